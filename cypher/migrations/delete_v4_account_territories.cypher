MATCH (s:AccountTerritory)
DETACH DELETE s
