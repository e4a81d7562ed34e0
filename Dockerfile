# The graphcrm image used by docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphcrm ./graphcrm
COPY api ./api
COPY cypher ./cypher
# the neo4j extra: docker-compose.yml serves the image against its Neo4j
RUN pip install --no-cache-dir ".[neo4j]"
ENTRYPOINT ["graphcrm"]
EXPOSE 8000
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
