MATCH (t:Touchpoint)
WHERE $id IN t.contact_ids
RETURN collect(t.id) AS rows
