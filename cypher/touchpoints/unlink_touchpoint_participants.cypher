UNWIND $rows AS row
MATCH (t:Touchpoint {id: row.id})
USING INDEX t:Touchpoint(id)
FOREACH (old IN [(t)-[r:WITH|BY]->() | r] | DELETE old)
