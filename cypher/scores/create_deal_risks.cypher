UNWIND $rows AS row
MATCH (s:ScoreSet {account_id: row.account_id, as_of: row.as_of})
MATCH (d:Deal {id: row.deal_id})
USING INDEX d:Deal(id)
CREATE (s)-[:RISK {score: row.score, factors: row.factors}]->(d)
