UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
USING INDEX a:Account(id)
MERGE (s:ScoreSet {account_id: row.account_id, as_of: row.as_of})
SET s.scored_at = row.scored_at, s.health = row.health, s.band = row.band,
    s.contact_id = row.contact_id, s.influence = row.influence, s.brokerage = row.brokerage,
    s.authority = row.authority, s.engagement = row.engagement,
    s.contact_health = row.contact_health, s.contact_band = row.contact_band,
    s.decision_maker = row.decision_maker, s.champion = row.champion,
    s.deal_id = row.deal_id, s.risk = row.risk, s.factors = row.factors
MERGE (s)-[:SCORES]->(a)
