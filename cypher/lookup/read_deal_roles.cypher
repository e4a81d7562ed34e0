UNWIND $ids AS id
MATCH (d:Deal {id: id})
USING INDEX d:Deal(id)
UNWIND [(c:Contact)-[r:ROLE_ON]->(d)
        | {deal_id: d.id, contact_id: c.id, roles: r.roles, is_primary: r.is_primary,
           stance: r.stance, valid_from: r.valid_from, valid_to: r.valid_to,
           ref: elementId(r)}] AS row
RETURN collect(row) AS rows
