MATCH (e:ChangeLog)
WHERE e.seq > $since_seq AND ($entity IS NULL OR e.entity = $entity)
WITH e ORDER BY e.seq
WITH collect(e) AS matched
RETURN size(matched) AS total,
       [x IN matched[$offset..$offset + $limit] | properties(x)] AS items
