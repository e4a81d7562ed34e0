UNWIND $ids AS id
MATCH (d:Deal {id: id})
USING INDEX d:Deal(id)
UNWIND [(d)-[:HAD_CLOSE_DATE]->(c:CloseDateChange) | properties(c)] AS row
RETURN collect(row) AS rows
