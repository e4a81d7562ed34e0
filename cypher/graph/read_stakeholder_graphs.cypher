UNWIND range(0, size($graphs) - 1) AS g
WITH g, $graphs[g] AS spec
OPTIONAL MATCH (root:Account {id: spec.id})
USING INDEX root:Account(id)
CALL (spec) {
  UNWIND spec.account_ids AS aid
  MATCH (a:Account {id: aid})
  USING INDEX a:Account(id)
  MATCH (a)<-[:WORKS_AT]-(c:Contact)-[:HAS_STATUS]->(s:ContactStatus)
  WHERE s.valid_from <= $t AND (s.valid_to IS NULL OR s.valid_to > $t)
  RETURN collect(c) AS members,
         collect([c.id, c.account_id, c.name, c.title, c.department, c.seniority, c.email,
                  c.phone, c.linkedin_url, s.status, s.valid_from]) AS contacts
}
CALL (members) {
  UNWIND members AS c
  MATCH (c)-[r:REPORTS_TO]->(m:Contact)
  WHERE r.valid_from <= $t AND (r.valid_to IS NULL OR r.valid_to > $t)
  RETURN collect([c.id, m.id, r.kind, r.valid_from, r.valid_to]) AS lines
}
CALL (members) {
  UNWIND members AS c
  MATCH (c)-[r:INFLUENCES]->(b:Contact)
  WHERE r.valid_from <= $t AND (r.valid_to IS NULL OR r.valid_to > $t)
  RETURN collect([c.id, b.id, r.kind, r.strength, r.source, r.valid_from, r.valid_to])
         AS influences
}
CALL (members) {
  UNWIND members AS c
  MATCH (k:Rep)-[r:KNOWS]->(c)
  RETURN collect([k.id, c.id, r.strength]) AS knows
}
CALL (spec) {
  UNWIND spec.account_ids AS aid
  MATCH (a:Account {id: aid})
  USING INDEX a:Account(id)
  MATCH (a)<-[:OF_ACCOUNT]-(d:Deal)
  RETURN collect([
    properties(d),
    [(d)-[:HAD_STAGE]->(s:StageChange) | [s.at, s.to_stage]],
    [(d)-[:HAD_CLOSE_DATE]->(x:CloseDateChange) | [x.at, x.from_date, x.to_date]],
    [(c:Contact)-[r:ROLE_ON]->(d)
     WHERE r.valid_from <= $t AND (r.valid_to IS NULL OR r.valid_to > $t)
     | [c.id, r.roles, r.is_primary, r.stance, r.valid_from, r.valid_to]]
  ]) AS deals
}
CALL (members) {
  UNWIND members AS c
  MATCH (c)<-[:WITH]-(t:Touchpoint)
  WHERE t.at <= $t
  WITH DISTINCT t
  RETURN collect([t.id, t.at, t.direction, t.sentiment, t.contact_ids, t.rep_ids, t.deal_id])
         AS touchpoints
}
CALL (knows, deals, touchpoints) {
  UNWIND [k IN knows | k[0]] + [d IN deals | d[0].owner_id] + reduce(ids = [], tp IN touchpoints | ids + tp[5]) AS rep_id
  WITH DISTINCT rep_id
  MATCH (n:Rep {id: rep_id})
  USING INDEX n:Rep(id)
  RETURN collect(properties(n)) AS reps
}
WITH g, root, contacts, lines, influences, knows, deals, touchpoints, reps,
     [(root)-[:HAD_TERRITORY]->(x:AccountTerritory)
       WHERE x.valid_from <= $t AND (x.valid_to IS NULL OR x.valid_to > $t) | [x.territory]] AS then
RETURN g,
       CASE WHEN size(then) = 0 THEN properties(root) ELSE root {.*, territory: then[0][0]} END
         AS account,
       contacts, lines, influences, knows, deals, touchpoints, reps
ORDER BY g
