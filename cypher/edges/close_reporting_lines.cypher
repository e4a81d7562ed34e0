UNWIND $rows AS row
MATCH ()-[r:REPORTS_TO]->()
WHERE elementId(r) = row.ref
SET r.valid_to = row.valid_to
