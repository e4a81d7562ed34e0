UNWIND $rows AS row
MATCH (s:AccountTerritory)
WHERE elementId(s) = row.ref
SET s.valid_to = row.valid_to
