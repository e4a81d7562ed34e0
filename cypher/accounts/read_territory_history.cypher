UNWIND $ids AS id
MATCH (a:Account {id: id})
USING INDEX a:Account(id)
UNWIND [(a)-[:HAD_TERRITORY]->(s:AccountTerritory) | s {.*, account_id: a.id}] AS row
RETURN collect(row) AS rows
