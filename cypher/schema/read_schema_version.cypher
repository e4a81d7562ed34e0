OPTIONAL MATCH (s:GraphCRMSchema {name: 'graphcrm'})
RETURN s.version AS version
