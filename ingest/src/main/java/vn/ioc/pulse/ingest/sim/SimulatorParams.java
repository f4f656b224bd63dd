package vn.ioc.pulse.ingest.sim;

import java.util.List;
import java.util.Map;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;
import vn.ioc.pulse.model.CaseEvent.RegulatedDuration;

/**
 * Every tunable of {@link SonLaSimulator}, grouped by what it shapes, with the defaults of {@link #defaults()}.
 * docs/simulator.md gives the reason for each default and says which are sourced and which are assumptions (most
 * are assumptions: no published per-hour, per-channel or per-field volumes for Sơn La were found).
 *
 * <p>Shares are probabilities in [0, 1]. Hour profiles have 24 weights (local hours 00–23, Asia/Ho_Chi_Minh);
 * only their ratios matter. {@code scale} multiplies every volume that grows with the population served (dossiers,
 * citizen feedback, portal sessions), not the availability heartbeats and incidents.
 *
 * @param seed  seed of every random draw (with the start instant: the same seed and start give the same events)
 * @param scale volume multiplier (1 = the defaults' Sơn La volume)
 */
public record SimulatorParams(long seed, double scale, Arrivals arrivals, Mix mix, Processing processing,
                              Payments payments, Results results, Feedback feedback, Availability availability,
                              Portal portal) {

    public SimulatorParams {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be > 0, got " + scale);
        }
    }

    /** The documented defaults, seed 2025, scale 1. */
    public static SimulatorParams defaults() {
        return new SimulatorParams(2025, 1.0, Arrivals.defaults(), Mix.defaults(), Processing.defaults(),
                Payments.defaults(), Results.defaults(), Feedback.defaults(), Availability.defaults(),
                Portal.defaults());
    }

    public SimulatorParams withSeed(long newSeed) {
        return new SimulatorParams(newSeed, scale, arrivals, mix, processing, payments, results, feedback,
                availability, portal);
    }

    public SimulatorParams withScale(double newScale) {
        return new SimulatorParams(seed, newScale, arrivals, mix, processing, payments, results, feedback,
                availability, portal);
    }

    /**
     * When dossiers arrive.
     *
     * @param dossiersPerWorkingDay dossiers the whole province receives on an average working day (all channels)
     * @param weekdayFactors        volume factor per day of week, Monday first (7 values); Saturday and Sunday only
     *                              apply on make-up working days
     * @param onlineDayOffFactor    online submissions on a day off, as a share of an average working day's
     * @param deskHourWeights       share of a working day's desk (direct and postal) receipts per local hour; must
     *                              be 0 in hours without office time (office: 07:00–11:30, 13:30–17:00)
     * @param onlineHourWeights     share of a day's online submissions per local hour
     * @param intakeDelayMinutes    mean office minutes between an online submission (or the next office opening)
     *                              and its acceptance (exponential, capped at one working day)
     * @param refusedShare          share of online submissions refused at intake (REFUSED, never received)
     */
    public record Arrivals(double dossiersPerWorkingDay, List<Double> weekdayFactors, double onlineDayOffFactor,
                           List<Double> deskHourWeights, List<Double> onlineHourWeights, double intakeDelayMinutes,
                           double refusedShare) {
        public Arrivals {
            weekdayFactors = List.copyOf(weekdayFactors);
            deskHourWeights = List.copyOf(deskHourWeights);
            onlineHourWeights = List.copyOf(onlineHourWeights);
            positive("dossiersPerWorkingDay", dossiersPerWorkingDay);
            weights("weekdayFactors", weekdayFactors, 7);
            weights("deskHourWeights", deskHourWeights, 24);
            weights("onlineHourWeights", onlineHourWeights, 24);
            for (int h = 0; h < 24; h++) {
                boolean office = h >= 7 && h <= 11 || h >= 13 && h <= 16;
                if (!office && deskHourWeights.get(h) > 0) {
                    throw new IllegalArgumentException("deskHourWeights: hour " + h + " has no office time");
                }
            }
            nonNegative("onlineDayOffFactor", onlineDayOffFactor);
            nonNegative("intakeDelayMinutes", intakeDelayMinutes);
            share("refusedShare", refusedShare);
        }

        public static Arrivals defaults() {
            return new Arrivals(1500,
                    List.of(1.15, 1.05, 1.0, 1.0, 0.85, 1.0, 1.0),
                    0.3,
                    //       00   01   02   03   04   05   06   07   08   09   10   11   12   13   14   15   16   17 …
                    List.of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.4, 1.5, 1.3, 0.5, 0.0, 0.4, 1.1, 1.0, 0.7,
                            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
                    List.of(0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.5, 0.9, 1.3, 1.4, 1.3, 1.0, 0.7, 0.8, 1.1, 1.1, 1.0,
                            0.8, 0.8, 1.1, 1.4, 1.3, 0.8, 0.4),
                    45, 0.02);
        }
    }

    /**
     * What is applied for, where, and how.
     *
     * @param fieldWeights          relative dossier volume per field (lĩnh vực, by its name in the procedure
     *                              sample); a field of the sample not listed weighs {@code otherFieldWeight}
     * @param otherFieldWeight      weight of a field missing from {@code fieldWeights}
     * @param procedureSkew         Zipf exponent of the volume of the procedures of one field (0 = all alike); the
     *                              ranking is a seeded shuffle because the sample carries no volumes
     * @param onlineShare           share of ONLINE among dossiers of procedures that can be submitted online and on
     *                              paper (online-only procedures are always ONLINE)
     * @param postalShare           share of POSTAL among paper dossiers of procedures that accept post
     * @param communeLevelShare     for procedures handled at both levels: share handled by the commune
     * @param fullServiceShare      for online procedures whose level the source does not state: chance (drawn once
     *                              per procedure) that it is a full (toàn trình) online service, else partial
     * @param reusedDataShare       share of receipts that reuse already digitised data (digitisation.reused_data)
     * @param businessShareByField  share of BUSINESS applicants per field name; other fields: all CITIZEN
     * @param fieldDurations        regulated duration, per field name, of that field's procedures whose duration the
     *                              sample does not state
     * @param defaultDuration       the same for every other field
     * @param dueAtShare            share of RECEIVED events that also carry the computed {@code due_at}, as a
     *                              source sending NgayHenTra would (the value equals the regulated duration's due)
     */
    public record Mix(Map<String, Double> fieldWeights, double otherFieldWeight, double procedureSkew,
                      double onlineShare, double postalShare, double communeLevelShare, double fullServiceShare,
                      double reusedDataShare, Map<String, Double> businessShareByField,
                      Map<String, RegulatedDuration> fieldDurations, RegulatedDuration defaultDuration,
                      double dueAtShare) {
        public Mix {
            fieldWeights = Map.copyOf(fieldWeights);
            fieldWeights.forEach((k, v) -> nonNegative("fieldWeights[" + k + "]", v));
            nonNegative("otherFieldWeight", otherFieldWeight);
            nonNegative("procedureSkew", procedureSkew);
            share("onlineShare", onlineShare);
            share("postalShare", postalShare);
            share("communeLevelShare", communeLevelShare);
            share("fullServiceShare", fullServiceShare);
            share("reusedDataShare", reusedDataShare);
            businessShareByField = Map.copyOf(businessShareByField);
            businessShareByField.forEach((k, v) -> share("businessShareByField[" + k + "]", v));
            fieldDurations = Map.copyOf(fieldDurations);
            share("dueAtShare", dueAtShare);
        }

        public static Mix defaults() {
            return new Mix(Map.ofEntries(
                    Map.entry("Chứng thực", 30.0),
                    Map.entry("Hộ tịch", 20.0),
                    Map.entry("Đất đai", 12.0),
                    Map.entry("Đăng ký, quản lý cư trú", 8.0),
                    Map.entry("Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng", 6.0),
                    Map.entry("Thực hiện chính sách BHXH", 5.0),
                    Map.entry("Sát hạch, cấp giấy phép lái xe", 3.0),
                    Map.entry("Đường bộ", 3.0),
                    Map.entry("Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", 2.5),
                    Map.entry("Thành lập và hoạt động của doanh nghiệp", 2.0),
                    Map.entry("Người có công", 2.0),
                    Map.entry("Giảm nghèo", 2.0),
                    Map.entry("Lý lịch tư pháp", 2.0),
                    Map.entry("Hoạt động xây dựng", 1.5),
                    Map.entry("Quy hoạch đô thị và nông thôn", 0.5),
                    Map.entry("Kiểm định kỹ thuật an toàn lao động", 0.5)),
                    1.0, 1.0, 0.55, 0.05, 0.8, 0.6, 0.5,
                    Map.of("Thành lập và hoạt động của doanh nghiệp", 1.0,
                            "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", 1.0,
                            "Kiểm định kỹ thuật an toàn lao động", 0.9,
                            "Hoạt động xây dựng", 0.5,
                            "Đường bộ", 0.4),
                    Map.of("Chứng thực", workingDays(1),
                            "Hộ tịch", workingDays(1),
                            "Thành lập và hoạt động của doanh nghiệp", workingDays(3),
                            "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)", workingDays(3)),
                    workingDays(5), 0.3);
        }
    }

    /**
     * How long processing takes and how dossiers end.
     *
     * @param meanTimeFraction      mean share of the regulated working time that an on-time dossier actually uses
     *                              (uniform between 2·mean − 1 and 1); with the late ones, time saving ≈ 30 %
     * @param lateShare             share of received dossiers planned to end after their due
     * @param apologyShare          share of the late ones for which the agency issues a new appointment date
     *                              (DUE_DATE_CHANGED, e.g. with an apology letter) before the end
     * @param supplementShare       share of received dossiers with a supplement request
     * @param secondSupplementShare share of those with a second request (which makes them late, the 766 rule)
     * @param minPauseWorkingDays   shortest time for the applicant to bring the documents, in working days
     * @param maxPauseWorkingDays   longest such time (uniform in between)
     * @param withdrawnShare        share of received dossiers withdrawn by the applicant (WITHDRAWN)
     * @param stoppedShare          share of received dossiers stopped as ineligible (STOPPED)
     */
    public record Processing(double meanTimeFraction, double lateShare, double apologyShare, double supplementShare,
                             double secondSupplementShare, double minPauseWorkingDays, double maxPauseWorkingDays,
                             double withdrawnShare, double stoppedShare) {
        public Processing {
            if (!(meanTimeFraction >= 0.5 && meanTimeFraction <= 1)) {
                throw new IllegalArgumentException("meanTimeFraction must be in [0.5, 1], got " + meanTimeFraction);
            }
            share("lateShare", lateShare);
            share("apologyShare", apologyShare);
            share("supplementShare", supplementShare);
            share("secondSupplementShare", secondSupplementShare);
            nonNegative("minPauseWorkingDays", minPauseWorkingDays);
            if (maxPauseWorkingDays < minPauseWorkingDays) {
                throw new IllegalArgumentException("maxPauseWorkingDays < minPauseWorkingDays");
            }
            share("withdrawnShare", withdrawnShare);
            share("stoppedShare", stoppedShare);
            share("withdrawnShare + stoppedShare + lateShare", withdrawnShare + stoppedShare + lateShare);
        }

        public static Processing defaults() {
            return new Processing(0.68, 0.025, 0.2, 0.08, 0.05, 1, 10, 0.005, 0.005);
        }
    }

    /**
     * Fees and how they are paid.
     *
     * @param unknownFeeShare        for procedures whose fee the source does not give: share of dossiers with a fee
     * @param onlinePaymentShareOnline share of ONLINE dossiers with a fee that pay it online
     * @param onlinePaymentShareDesk share of DIRECT/POSTAL dossiers with a fee that pay it online
     * @param dvcqgGatewayShare      share of online payments through the national platform (DVCQG), else LOCAL
     * @param failureShare           share of online payment attempts that fail (then retried)
     * @param maxAttempts            attempts before the applicant gives up and pays at the desk
     * @param meanOnlinePaymentDelayMinutes mean minutes from receipt to an online dossier's payment (exponential)
     */
    public record Payments(double unknownFeeShare, double onlinePaymentShareOnline, double onlinePaymentShareDesk,
                           double dvcqgGatewayShare, double failureShare, int maxAttempts,
                           double meanOnlinePaymentDelayMinutes) {
        public Payments {
            share("unknownFeeShare", unknownFeeShare);
            share("onlinePaymentShareOnline", onlinePaymentShareOnline);
            share("onlinePaymentShareDesk", onlinePaymentShareDesk);
            share("dvcqgGatewayShare", dvcqgGatewayShare);
            share("failureShare", failureShare);
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
            }
            nonNegative("meanOnlinePaymentDelayMinutes", meanOnlinePaymentDelayMinutes);
        }

        public static Payments defaults() {
            return new Payments(0.5, 0.6, 0.1, 0.7, 0.04, 3, 120);
        }
    }

    /**
     * Results and ratings.
     *
     * @param inputsDigitisedShare    share of resolved dossiers whose inputs were digitised
     * @param eResultShare            share of resolved dossiers with an electronic result
     * @param ratedShare              share of resolved dossiers rated by the applicant
     * @param dissatisfiedShare       share of ratings that are DISSATISFIED for a dossier that was not late
     * @param dissatisfiedShareLate   the same for a late dossier
     * @param verySatisfiedShare      share of the other ratings that are VERY_SATISFIED (else SATISFIED)
     */
    public record Results(double inputsDigitisedShare, double eResultShare, double ratedShare,
                          double dissatisfiedShare, double dissatisfiedShareLate, double verySatisfiedShare) {
        public Results {
            share("inputsDigitisedShare", inputsDigitisedShare);
            share("eResultShare", eResultShare);
            share("ratedShare", ratedShare);
            share("dissatisfiedShare", dissatisfiedShare);
            share("dissatisfiedShareLate", dissatisfiedShareLate);
            share("verySatisfiedShare", verySatisfiedShare);
        }

        public static Results defaults() {
            return new Results(0.75, 0.85, 0.3, 0.03, 0.25, 0.6);
        }
    }

    /**
     * Citizen feedback (phản ánh, kiến nghị: PAKN).
     *
     * @param perDay          feedback items received per day (spread like online submissions; fewer on days off)
     * @param linkedShare     share of items about a recent dossier (they carry its dossier_code: a complaint)
     * @param lateAnswerShare share answered after the 15-working-day deadline
     * @param reactionShare   share of answers that get a reaction
     * @param likeShare       share of reactions that are LIKE
     */
    public record Feedback(double perDay, double linkedShare, double lateAnswerShare, double reactionShare,
                           double likeShare) {
        public Feedback {
            nonNegative("perDay", perDay);
            share("linkedShare", linkedShare);
            share("lateAnswerShare", lateAnswerShare);
            share("reactionShare", reactionShare);
            share("likeShare", likeShare);
        }

        public static Feedback defaults() {
            return new Feedback(6, 0.3, 0.05, 0.4, 0.75);
        }
    }

    /**
     * Availability of the five components of the citizen journey.
     *
     * @param heartbeatMinutes    minutes between the periodic state reports of each component
     * @param incidentsPerMonth   incidents per component per 30 days (Poisson)
     * @param minIncidentMinutes  shortest incident
     * @param maxIncidentMinutes  longest incident (log-uniform in between)
     * @param downShare           share of incidents that are DOWN (else DEGRADED)
     * @param latencyMs           typical response time when UP (log-normal around it); ×4–12 when DEGRADED
     */
    public record Availability(int heartbeatMinutes, double incidentsPerMonth, double minIncidentMinutes,
                               double maxIncidentMinutes, double downShare, double latencyMs) {
        public Availability {
            if (heartbeatMinutes < 1 || heartbeatMinutes > 60 || 60 % heartbeatMinutes != 0) {
                throw new IllegalArgumentException("heartbeatMinutes must divide 60, got " + heartbeatMinutes);
            }
            nonNegative("incidentsPerMonth", incidentsPerMonth);
            positive("minIncidentMinutes", minIncidentMinutes);
            if (maxIncidentMinutes < minIncidentMinutes) {
                throw new IllegalArgumentException("maxIncidentMinutes < minIncidentMinutes");
            }
            share("downShare", downShare);
            positive("latencyMs", latencyMs);
        }

        public static Availability defaults() {
            return new Availability(15, 2, 5, 240, 0.3, 300);
        }
    }

    /**
     * Portal actions (no KPI uses them yet; they show the citizen journey). Every online submission has a portal
     * session VIEW → START → SUBMIT; other sessions only browse, or start and are abandoned. Only a sample of all
     * sessions is reported, to keep the stream modest.
     *
     * @param reportedShare                  share of portal sessions that are reported as PORTAL_ACTION events
     * @param browseSessionsPerSubmission    sessions that only VIEW a procedure, per online submission
     * @param abandonedSessionsPerSubmission sessions that VIEW, START and ABANDON, per online submission
     */
    public record Portal(double reportedShare, double browseSessionsPerSubmission,
                         double abandonedSessionsPerSubmission) {
        public Portal {
            share("reportedShare", reportedShare);
            nonNegative("browseSessionsPerSubmission", browseSessionsPerSubmission);
            nonNegative("abandonedSessionsPerSubmission", abandonedSessionsPerSubmission);
        }

        public static Portal defaults() {
            return new Portal(0.2, 0.5, 0.2);
        }
    }

    private static RegulatedDuration workingDays(long n) {
        return new RegulatedDuration(n, DurationUnit.WORKING_DAY);
    }

    private static void share(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + v);
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
    }

    private static void weights(String name, List<Double> w, int size) {
        if (w.size() != size) {
            throw new IllegalArgumentException(name + " needs " + size + " values, got " + w.size());
        }
        w.forEach(v -> nonNegative(name, v));
        if (w.stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException(name + " are all 0");
        }
    }
}
