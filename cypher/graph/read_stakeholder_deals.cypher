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
}) AS rows
