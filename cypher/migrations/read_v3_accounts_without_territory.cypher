MATCH (a:Account)
WHERE NOT (a)-[:HAD_TERRITORY]->(:AccountTerritory)
WITH a
LIMIT $limit
RETURN collect(a.id) AS rows
