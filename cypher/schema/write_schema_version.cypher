MATCH (s:GraphCRMSchema {name: 'graphcrm'})
SET s.version = $version
