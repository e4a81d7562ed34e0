MATCH (a:Account {id: $account_id})
USING INDEX a:Account(id)
WHERE $territories IS NULL OR a.territory IN $territories
UNWIND [(a)<-[:OF_ACCOUNT]-(d:Deal)
        WHERE ($stage IS NULL OR d.stage = $stage) AND ($owner_id IS NULL OR d.owner_id = $owner_id)
        | d] AS d
WITH d ORDER BY d.name_ord, coalesce(d.id_ord, d.id)
WITH collect(d) AS matched
RETURN size(matched) AS total,
       [x IN matched[$offset..$offset + $limit] | properties(x)] AS items
