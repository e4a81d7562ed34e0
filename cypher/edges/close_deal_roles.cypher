UNWIND $rows AS row
MATCH ()-[r:ROLE_ON]->()
WHERE elementId(r) = row.ref
SET r.valid_to = row.valid_to
