MATCH (seed:Account {id: $id})
USING INDEX seed:Account(id)
RETURN [path = (seed)<-[:CHILD_OF*1..]-(a:Account)
        | {props: properties(a), depth: length(path)}] AS rows
