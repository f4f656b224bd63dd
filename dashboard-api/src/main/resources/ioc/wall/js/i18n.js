// Labels of the wall screen and leaders' view: Vietnamese by default, English with ?lang=en.
// KPI names come from the catalogue (name_vi / name_en), unit names from /api/v1/units.
const TEXT = {
  vi: {
    title: 'Trung tâm điều hành thông minh — Dịch vụ công',
    province: 'Toàn tỉnh',
    live: 'Trực tuyến',
    connecting: 'Đang kết nối…',
    reconnecting: 'Mất kết nối máy chủ — đang kết nối lại (lần {n})…',
    reconnectingShort: 'Mất kết nối',
    authNeeded: 'Cần mã truy cập',
    noData: 'Chưa có dữ liệu',
    stale: 'Dữ liệu cũ',
    newest: 'Số liệu mới nhất {time} ({age} trước)',
    staleBanner: 'Số liệu không được cập nhật trong {age}: luồng xử lý có thể đã dừng — các con số có thể không còn đúng',
    asOf: 'Số liệu đến',
    updatedAgo: 'cập nhật {age} trước',
    noThreshold: 'Không đặt ngưỡng',
    target: 'Mục tiêu {op} {v}',
    warnAt: 'cảnh báo {op} {v}',
    statusGREEN: 'Đạt',
    statusYELLOW: 'Cần chú ý',
    statusRED: 'Không đạt',
    statusGREY: 'Chưa có dữ liệu',
    statusNONE: 'Không đánh giá',
    mapTitle: 'Bản đồ xã, phường — {kpi} ({window})',
    rankingTitle: 'Xếp hạng {scope} — {kpi} ({window}), kém nhất trước',
    rankingCommune: 'xã, phường',
    rankingAgency: 'cơ quan',
    agenciesTitle: 'Hồ sơ quá hạn và sắp đến hạn theo cơ quan',
    agency: 'Cơ quan',
    overdue: 'Quá hạn',
    dueSoon: 'Sắp đến hạn',
    allOnTime: 'Không có hồ sơ quá hạn hay sắp đến hạn',
    componentsTitle: 'Hệ thống',
    alertsTitle: 'Cảnh báo',
    noAlerts: 'Không có cảnh báo',
    since: 'từ',
    legend: 'Chú giải',
    unit: 'Đơn vị',
    kpi: 'Chỉ tiêu',
    window: 'Kỳ',
    range: 'Khoảng thời gian',
    step: 'Bước',
    stepAuto: 'Tự động',
    rankOf: 'Hạng {rank} / {of} {scope}',
    rankNone: 'Chưa xếp hạng (chưa có dữ liệu)',
    rankProvince: 'Toàn tỉnh: không xếp hạng',
    wallView: 'Màn hình tường',
    leaderView: 'Xem chi tiết',
    provinceGroup: 'Tỉnh',
    agencyGroup: 'Cơ quan',
    communeGroup: 'Xã, phường',
    tokenTitle: 'Nhập mã truy cập (JWT)',
    tokenHelp: 'Máy chủ yêu cầu xác thực. Dán mã truy cập do quản trị viên cấp.',
    tokenSave: 'Lưu và tải lại',
    tokenBad: 'Mã truy cập không hợp lệ hoặc hết hạn',
    forbidden: 'Mã truy cập không có quyền xem đơn vị này',
    historyError: 'Không lấy được lịch sử: {detail}',
    seconds: '{n} giây',
    minutes: '{n} phút',
    hours: '{n} giờ',
    days: '{n} ngày',
    w_live: 'hiện tại', w_today: 'hôm nay', w_1h: '1 giờ', w_24h: '24 giờ', w_7d: '7 ngày', w_30d: '30 ngày',
    w_mtd: 'từ đầu tháng', w_qtd: 'từ đầu quý', w_ytd: 'từ đầu năm',
  },
  en: {
    title: 'Intelligent Operations Centre — Public services',
    province: 'Whole province',
    live: 'Live',
    connecting: 'Connecting…',
    reconnecting: 'Disconnected from the server — reconnecting (attempt {n})…',
    reconnectingShort: 'Disconnected',
    authNeeded: 'Access token needed',
    noData: 'No data',
    stale: 'Stale',
    newest: 'Newest data {time} ({age} ago)',
    staleBanner: 'No data update for {age}: the pipeline may have stalled — the numbers may no longer be true',
    asOf: 'Data as of',
    updatedAgo: 'updated {age} ago',
    noThreshold: 'No threshold',
    target: 'Target {op} {v}',
    warnAt: 'warning {op} {v}',
    statusGREEN: 'On target',
    statusYELLOW: 'Watch',
    statusRED: 'Off target',
    statusGREY: 'No data',
    statusNONE: 'Not rated',
    mapTitle: 'Communes and wards — {kpi} ({window})',
    rankingTitle: 'Ranking of {scope} — {kpi} ({window}), worst first',
    rankingCommune: 'communes',
    rankingAgency: 'agencies',
    agenciesTitle: 'Overdue and due-soon dossiers per agency',
    agency: 'Agency',
    overdue: 'Overdue',
    dueSoon: 'Due soon',
    allOnTime: 'No overdue or due-soon dossiers',
    componentsTitle: 'Systems',
    alertsTitle: 'Alerts',
    noAlerts: 'No alerts',
    since: 'since',
    legend: 'Legend',
    unit: 'Unit',
    kpi: 'KPI',
    window: 'Window',
    range: 'Range',
    step: 'Step',
    stepAuto: 'Auto',
    rankOf: 'Rank {rank} of {of} {scope}',
    rankNone: 'Not ranked (no data)',
    rankProvince: 'Province: not ranked',
    wallView: 'Wall screen',
    leaderView: 'Details',
    provinceGroup: 'Province',
    agencyGroup: 'Agencies',
    communeGroup: 'Communes and wards',
    tokenTitle: 'Enter an access token (JWT)',
    tokenHelp: 'The server requires authentication. Paste the access token your administrator issued.',
    tokenSave: 'Save and reload',
    tokenBad: 'The access token is invalid or expired',
    forbidden: 'This access token may not read this unit',
    historyError: 'History unavailable: {detail}',
    seconds: '{n} s',
    minutes: '{n} min',
    hours: '{n} h',
    days: '{n} d',
    w_live: 'now', w_today: 'today', w_1h: '1 hour', w_24h: '24 hours', w_7d: '7 days', w_30d: '30 days',
    w_mtd: 'month to date', w_qtd: 'quarter to date', w_ytd: 'year to date',
  },
};

export const LANG = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'vi';
export const LOCALE = LANG === 'en' ? 'en-GB' : 'vi-VN';

/** The label `key` with `{name}` placeholders filled from `args`. */
export function t(key, args = {}) {
  const s = TEXT[LANG][key] ?? TEXT.vi[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (args[k] ?? ''));
}

export function windowName(w) {
  return t('w_' + w);
}

/** A catalogue entry's name in the page's language. */
export function kpiName(def) {
  return def ? (LANG === 'en' ? def.name_en : def.name_vi) : '';
}

/** A unit's display name; Vietnamese agency names shortened the way IOC screens write them. */
export function unitName(unit, code) {
  if (!unit) return code;
  const n = unit.name || code;
  return n.replace(/^Ủy ban nhân dân/, 'UBND').replace(/ tỉnh Sơn La$/, '');
}
