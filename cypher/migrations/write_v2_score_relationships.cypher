UNWIND $rows AS row
MATCH (s:ScoreSet {account_id: row.account_id, as_of: row.as_of})
REMOVE s.contact_id, s.influence, s.brokerage, s.authority, s.engagement, s.contact_health,
       s.contact_band, s.decision_maker, s.champion, s.deal_id, s.risk, s.factors
WITH s, row
CALL (s, row) {
  UNWIND row.contacts AS x
  MATCH (c:Contact {id: x.contact_id})
  CREATE (s)-[:SCORED {
    influence: x.influence, brokerage: x.brokerage, authority: x.authority,
    engagement: x.engagement, health: x.health, band: x.band,
    decision_maker: x.decision_maker, champion: x.champion
  }]->(c)
}
CALL (s, row) {
  UNWIND row.deals AS x
  MATCH (d:Deal {id: x.deal_id})
  CREATE (s)-[:RISK {score: x.score, factors: x.factors}]->(d)
}
