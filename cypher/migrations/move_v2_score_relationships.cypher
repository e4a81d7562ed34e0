MATCH (s:ScoreSet)
WHERE s.contact_id IS NULL
WITH s
LIMIT $limit
CALL (s) {
  MATCH (s)-[r:SCORED]->(c:Contact)
  WITH r, c
  ORDER BY c.id
  RETURN collect(c.id) AS contact_id, collect(r.influence) AS influence,
         collect(r.brokerage) AS brokerage, collect(r.authority) AS authority,
         collect(r.engagement) AS engagement, collect(r.health) AS contact_health,
         collect(r.band) AS contact_band, collect(r.decision_maker) AS decision_maker,
         collect(r.champion) AS champion
}
CALL (s) {
  MATCH (s)-[r:RISK]->(d:Deal)
  WITH r, d
  ORDER BY d.id
  RETURN collect(d.id) AS deal_id, collect(r.score) AS risk, collect(r.factors) AS factors
}
SET s.contact_id = contact_id, s.influence = influence, s.brokerage = brokerage,
    s.authority = authority, s.engagement = engagement, s.contact_health = contact_health,
    s.contact_band = contact_band, s.decision_maker = decision_maker, s.champion = champion,
    s.deal_id = deal_id, s.risk = risk, s.factors = factors
WITH s
CALL (s) {
  MATCH (s)-[old:SCORED|RISK]->()
  DELETE old
}
RETURN count(s) AS moved
