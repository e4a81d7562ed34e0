MATCH (r:Rep {id: $id})
USING INDEX r:Rep(id)
RETURN properties(r) AS props
