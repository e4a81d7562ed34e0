UNWIND $deal_ids AS did
MATCH (d:Deal {id: did})
USING INDEX d:Deal(id)
UNWIND [(c:Contact)-[r:ROLE_ON]->(d)
        WHERE r.valid_from <= $t AND (r.valid_to IS NULL OR r.valid_to > $t)
        | {deal_id: d.id, contact_id: c.id, roles: r.roles, is_primary: r.is_primary,
           stance: r.stance, valid_from: r.valid_from, valid_to: r.valid_to}] AS row
RETURN collect(row) AS rows
