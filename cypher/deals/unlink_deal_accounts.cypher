UNWIND $rows AS row
MATCH (d:Deal {id: row.id})
USING INDEX d:Deal(id)
FOREACH (old IN [(d)-[r:OF_ACCOUNT]->(:Account) | r] | DELETE old)
