UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
USING INDEX a:Account(id)
CREATE (a)-[:HAD_TERRITORY]->(s:AccountTerritory)
SET s.territory = row.territory, s.valid_from = row.valid_from, s.valid_to = row.valid_to
