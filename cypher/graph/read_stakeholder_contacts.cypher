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
}) AS rows
