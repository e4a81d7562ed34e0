MATCH (a:Account)-[:HAD_TERRITORY]->(s:AccountTerritory)
RETURN collect(s {.*, account_id: a.id}) AS rows
