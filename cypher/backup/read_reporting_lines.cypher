MATCH (c:Contact)-[r:REPORTS_TO]->(m:Contact)
RETURN collect(r {.*, contact_id: c.id, manager_id: m.id}) AS rows
