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
WITH g, root, contacts, lines, deals,
     [(root)-[:HAD_TERRITORY]->(x:AccountTerritory)
       WHERE x.valid_from <= $t AND (x.valid_to IS NULL OR x.valid_to > $t) | [x.territory]] AS then
RETURN g,
       CASE WHEN size(then) = 0 THEN properties(root) ELSE root {.*, territory: then[0][0]} END
         AS account,
       contacts, lines, deals
ORDER BY g
