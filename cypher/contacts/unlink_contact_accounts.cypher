UNWIND $rows AS row
MATCH (c:Contact {id: row.id})
USING INDEX c:Contact(id)
FOREACH (old IN [(c)-[r:WORKS_AT]->(:Account) | r] | DELETE old)
