# The ingest gateway (vn.ioc.pulse.ingest.IngestMain). Build context: the repository root, after
#   mvn -B -pl ingest,dashboard-api -am package dependency:copy-dependencies -DoutputDirectory=target/lib -DincludeScope=runtime
# docker build -f deploy/docker/ingest.Dockerfile -t ioc-pulse/ingest:0.1.0-SNAPSHOT .
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY ingest/target/ingest-0.1.0-SNAPSHOT.jar /app/ingest.jar
COPY ingest/target/lib/ /app/lib/
# configuration comes from IOC_* environment variables (deploy/README.md); log4j2.xml is in the jar
ENV IOC_INGEST_PORT=8081 IOC_BIND_ADDRESS=0.0.0.0
EXPOSE 8081
USER 65534:65534
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/ingest.jar:/app/lib/*", "vn.ioc.pulse.ingest.IngestMain"]
