MATCH (a:Account {id: $id})
USING INDEX a:Account(id)
RETURN properties(a) AS props
