MATCH (a:Account)
USING INDEX a:Account(territory)
WHERE a.territory IN $territories
  AND ($sector IS NULL OR a.sector = $sector)
  AND ($owner_id IS NULL OR a.owner_id = $owner_id)
  AND ($name_fold IS NULL OR a.name_fold CONTAINS $name_fold)
WITH a ORDER BY a.name_ord, coalesce(a.id_ord, a.id)
WITH collect(a) AS matched
RETURN size(matched) AS total,
       [x IN matched[$offset..$offset + $limit] | properties(x)] AS items
