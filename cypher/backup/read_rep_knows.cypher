MATCH (r:Rep)-[k:KNOWS]->(c:Contact)
RETURN collect(k {.*, rep_id: r.id, contact_id: c.id}) AS rows
