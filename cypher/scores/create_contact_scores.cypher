UNWIND $rows AS row
MATCH (s:ScoreSet {account_id: row.account_id, as_of: row.as_of})
MATCH (c:Contact {id: row.contact_id})
USING INDEX c:Contact(id)
CREATE (s)-[:SCORED {
  influence: row.influence, brokerage: row.brokerage, authority: row.authority,
  engagement: row.engagement, health: row.health, band: row.band,
  decision_maker: row.decision_maker, champion: row.champion
}]->(c)
