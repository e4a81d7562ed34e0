UNWIND $ids AS id
MATCH (n:Touchpoint {id: id})
USING INDEX n:Touchpoint(id)
RETURN collect(properties(n)) AS rows
