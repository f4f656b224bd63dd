# The KPI job for a Flink cluster (Kubernetes operator: FlinkDeployment jarURI local:///opt/flink/usrlib/job.jar;
# compose: the jobmanager/taskmanager services). Build context: the repository root, after
#   mvn -B -Pjob-jar -pl stream-jobs -am package
# docker build -f deploy/docker/kpi-job.Dockerfile -t ioc-pulse/kpi-job:0.1.0-SNAPSHOT .
FROM flink:2.2.0-java17
COPY --chown=flink:flink stream-jobs/target/stream-jobs-0.1.0-SNAPSHOT-job.jar /opt/flink/usrlib/job.jar
