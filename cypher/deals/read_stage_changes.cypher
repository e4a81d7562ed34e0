UNWIND $ids AS id
MATCH (d:Deal {id: id})
USING INDEX d:Deal(id)
UNWIND [(d)-[:HAD_STAGE]->(s:StageChange) | properties(s)] AS row
RETURN collect(row) AS rows
