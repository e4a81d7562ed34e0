UNWIND $rows AS row
MATCH ()-[r:INFLUENCES]->()
WHERE elementId(r) = row.ref
SET r.valid_to = row.valid_to
