OPTIONAL MATCH (root:Account {id: $id})
USING INDEX root:Account(id)
CALL () {
  UNWIND $account_ids AS aid
  MATCH (a:Account {id: aid})
  USING INDEX a:Account(id)
  UNWIND [(a)<-[:WORKS_AT]-(c:Contact) | c] AS c
  UNWIND [(c)-[:HAS_STATUS]->(s:ContactStatus)
          WHERE s.valid_from <= $t AND (s.valid_to IS NULL OR s.valid_to > $t) | s] AS s
  RETURN collect({
    props: c {.id, .account_id, .name, .title, .department, .seniority, .email, .phone,
              .linkedin_url},
    status: s.status, status_from: s.valid_from,
    lines: [(c)-[r:REPORTS_TO]->(m:Contact)
            WHERE r.valid_from <= $t AND (r.valid_to IS NULL OR r.valid_to > $t)
            | {manager_id: m.id, kind: r.kind, valid_from: r.valid_from, valid_to: r.valid_to}],
    influences: [(c)-[r:INFLUENCES]->(b:Contact)
                 WHERE r.valid_from <= $t AND (r.valid_to IS NULL OR r.valid_to > $t)
                 | {influenced_id: b.id, kind: r.kind, strength: r.strength, source: r.source,
                    valid_from: r.valid_from, valid_to: r.valid_to}],
    knows: [(k:Rep)-[r:KNOWS]->(c) | {rep_id: k.id, strength: r.strength}]
  }) AS contacts, collect(DISTINCT c) AS members
}
CALL () {
  UNWIND $account_ids AS aid
  MATCH (a:Account {id: aid})
  USING INDEX a:Account(id)
  UNWIND [(a)<-[:OF_ACCOUNT]-(d:Deal) | d] AS d
  RETURN collect({
    props: properties(d),
    stages: [(d)-[:HAD_STAGE]->(s:StageChange) | [s.at, s.to_stage]],
    closes: [(d)-[:HAD_CLOSE_DATE]->(c:CloseDateChange) | [c.at, c.from_date, c.to_date]],
    roles: [(c:Contact)-[r:ROLE_ON]->(d)
            WHERE r.valid_from <= $t AND (r.valid_to IS NULL OR r.valid_to > $t)
            | {deal_id: d.id, contact_id: c.id, roles: r.roles, is_primary: r.is_primary,
               stance: r.stance, valid_from: r.valid_from, valid_to: r.valid_to}]
  }) AS deals
}
CALL (members) {
  UNWIND members AS c
  UNWIND [(c)<-[:WITH]-(t:Touchpoint) WHERE t.at <= $t | t] AS t
  WITH DISTINCT t
  RETURN collect([t.id, t.at, t.direction, t.sentiment, t.contact_ids, t.rep_ids]) AS touchpoints
}
CALL (contacts, deals, touchpoints) {
  UNWIND [c IN contacts | [k IN c.knows | k.rep_id]] + [[d IN deals | d.props.owner_id]]
         + [tp IN touchpoints | tp[5]] AS ids
  UNWIND ids AS rep_id
  WITH DISTINCT rep_id
  MATCH (n:Rep {id: rep_id})
  RETURN collect(properties(n)) AS reps
}
RETURN properties(root) AS account, contacts, deals, touchpoints, reps
