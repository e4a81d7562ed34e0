MERGE (s:GraphCRMSchema {name: 'graphcrm'})
ON CREATE SET s.version = 1
SET s.locked_at = $now
RETURN s.version AS version
