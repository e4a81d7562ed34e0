UNWIND $rows AS row
MATCH (a:Account {id: row.id})
USING INDEX a:Account(id)
FOREACH (old IN [(a)-[r:CHILD_OF]->(:Account) | r] | DELETE old)
