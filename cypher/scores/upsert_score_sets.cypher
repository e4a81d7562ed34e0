UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
USING INDEX a:Account(id)
MERGE (s:ScoreSet {account_id: row.account_id, as_of: row.as_of})
SET s.scored_at = row.scored_at, s.health = row.health, s.band = row.band
MERGE (s)-[:SCORES]->(a)
WITH s
OPTIONAL MATCH (s)-[old:SCORED|RISK]->()
DELETE old
