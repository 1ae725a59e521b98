/**
 * Writes the example workbooks in examples/: what officials really send — a merged title row,
 * headers with units and punctuation, 是/否/√/×, full-width digits, `3项`, 二, blanks, an
 * unreadable 若干, a blank row, a hidden row, a formula, a 合计 row. Run:
 *   node scripts/run-ts.js scripts/make-examples.ts
 * The expected verdicts are listed in examples/README.md and checked by test/examples.test.ts.
 */
import * as path from "path";
import ExcelJS from "exceljs";

const OUT = path.resolve(__dirname, "..", "examples");
type Row = (ExcelJS.CellValue | undefined)[];

function sheet(wb: ExcelJS.Workbook, name: string, title: string, headers: Row[], rows: Row[], opts: { hidden?: number[]; merges?: string[]; widths?: number } = {}): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name);
  const width = Math.max(...headers.map((h) => h.length));
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, width);
  ws.getRow(1).font = { bold: true, size: 14 };
  for (const h of headers) ws.addRow(h).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  for (const m of opts.merges ?? []) ws.mergeCells(m);
  for (const h of opts.hidden ?? []) ws.getRow(h).hidden = true;
  ws.columns.forEach((c) => (c.width = opts.widths ?? 16));
  return ws;
}

async function save(wb: ExcelJS.Workbook, file: string): Promise<void> {
  wb.creator = "kj-assess examples";
  wb.created = new Date(Date.UTC(2024, 11, 1));
  wb.modified = wb.created;
  await wb.xlsx.writeFile(path.join(OUT, file));
}

async function assessmentEvidence(): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const headers: Row = ["序号", "工作室名称", "主持人", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];
  const rows: Row[] = [
    [1, "海州区新海实验中学科技教育名师工作室", "王建国", 1, 1, "2项", 2, 1, 2, 1, 4, "2场", 3, "¥20,000.00"], // 10 → 优秀
    [2, "连云区墟沟中学科技教育名师工作室", "李敏", 0, 1, 1, 1, 4, "２", 1, 3, 2, "3名", "是"], // 一 fails → 9 → 优秀
    [3, "赣榆区实验中学科技创新名师工作室", "张伟", 0, 0, 1, "一", 2, 2, "一次", 3, "二", 3, 5000], // 一 二 四 → 7 → 合格
    [4, "东海县白塔高级中学机器人名师工作室", "刘洋", 0, 0, 1, 0, 1, 1, 1, 2, 1, 1, "否"], // only 三 六 → 2 → 不合格
    [],
    [5, "灌云县实验中学科技教育名师工作室", "陈静", 1, 0, 2, 3, 0, 2, "若干", 3, 2, 3, 8000], // 二 fails, 六 unreadable → 8 → 合格 (warning)
    [6, "灌南县新知学校创客名师工作室", "杨帆", 1, 1, 1, 0, 4, 3, 2, 5, 3, 4, "1.2万元"], // 10 → 优秀 (hidden row)
    [7, "海州区郁洲路小学科学名师工作室", "赵丽", 0, 1, 1, 0, 2, 2, 1, 1, 2, 0, null], // 一 四 七 九 十 → 5 → 不合格
    [8, "开发区高级中学科技名师工作室", "孙强", 2, 1, 1, 2, 0, 2, 1, 3, 2, 3, { formula: "2000*5", result: 10000 }], // 10 → 优秀
    ["合计", undefined, undefined, 5, 5, 9, 9, 14, 15, 8, 24, 15, 20, undefined],
  ];
  sheet(wb, "2024年度考核", "2024年度青少年科技教育名师工作室考核汇总表", [headers], rows, { hidden: [9] });
  await save(wb, "考核-证据数量.xlsx");
}

async function assessmentFlags(): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const headers: Row = ["工作室名称", "（一）国家级比赛获奖", "（二）全国专项赛事获奖", "（三）参加科技活动", "（四）省赛一等奖2项或二等奖4项", "（五）帮扶薄弱学校2所", "（六）科普周科普日", "（七）市级创新大赛获奖", "标准八", "标准九", "标准十"];
  const rows: Row[] = [
    ["海州区新海实验中学科技教育名师工作室", "是", "是", "√", "是", "是", "是", "是", "是", "是", "是"], // 3: 10 优秀
    ["连云区墟沟中学科技教育名师工作室", "否", "是", "√", "是", "是", "是", "是", "是", "是", "是"], // 4: 9 优秀
    ["赣榆区实验中学科技创新名师工作室", "×", "×", "√", "否", "是", "是", "是", "是", "是", "是"], // 5: 7 合格
    ["东海县白塔高级中学机器人名师工作室", "否", "否", "是", "否", "否", "是", "否", "否", "否", "是"], // 6: 3 不合格
    ["灌云县实验中学科技教育名师工作室", "是", "是", "是", "是", "是", null, "是", "Y", "是", "是"], // 7: 六 blank → 9 优秀 (warning)
    ["灌南县新知学校创客名师工作室", "是", "否", "是", "否", "是", "是", "待定", "是", "是", "是"], // 8: 二 四 七 → 7 合格 (warning)
    [], // 9: blank
    ["海州区郁洲路小学科学名师工作室", 0, 1, "✓", "✗", 1, "✓", 0, 1, "✓", "有"], // 10: 一 四 七 → 7 合格
    ["开发区高级中学科技名师工作室", "是", "是", "是", "是", "是", "是", "是", "是", "无", "是"], // 11 (hidden): 九 → 9 优秀
    ["灌云县伊山镇中心小学科学名师工作室", "是", "否", "是", "是", "否", "是", "是", "是", "是", { formula: 'IF(J12="是","是","否")', result: "是" }], // 12: 二 五 → 8 合格
    ["赣榆区城头中学创新实验名师工作室", "错", "错", "对", "错", "对", "对", "错", "对", "错", "对"], // 13: 一 二 四 七 九 → 5 不合格
    ["合计", ...["B", "C", "D", "E", "F", "G", "H", "I", "J", "K"].map((c) => ({ formula: `COUNTIF(${c}3:${c}13,"是")`, result: 0 }))],
  ];
  // The 合计 row counts 是 the way an official's COUNTIF would (cached results as Excel computes them).
  const total = rows[rows.length - 1];
  for (let c = 1; c <= 10; c++) total[c] = { formula: (total[c] as { formula: string }).formula, result: rows.slice(0, -1).filter((r) => r[c] === "是" || (typeof r[c] === "object" && r[c] !== null && (r[c] as { result?: unknown }).result === "是")).length };
  sheet(wb, "逐条考核", "2024年度名师工作室考核（逐条达标情况）", [headers], rows, { widths: 20, hidden: [11] });
  await save(wb, "考核-逐条是否.xlsx");
}

async function assessmentTwoRow(): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const top: Row = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级竞赛获奖（项）", undefined, "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖（项）", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];
  const sub: Row = [undefined, undefined, undefined, undefined, "一等奖", "二等奖"];
  const rows: Row[] = [
    ["海州区新海实验中学科技教育名师工作室", 1, 1, 1, 0, 4, 2, 1, 3, 2, 3, "是"], // 4: 10 优秀 (四 by second prizes)
    ["东海县白塔高级中学机器人名师工作室", 0, 0, 1, 1, 3, 1, 1, 2, 1, 1, 0], // 5: 三 六 → 2 不合格
    ["连云区墟沟中学科技教育名师工作室", "２", "1项", "2项", "二", 0, "3所", "1次", "5项", "2场", "3名", "¥5,000"], // 6: 10 优秀
    ["赣榆区实验中学科技创新名师工作室", 0, 1, 1, 1, 2, 2, 1, 3, 2, 2, "1万元"], // 7: 一 四 九 → 7 合格
    [], // 8: blank
    ["灌云县实验中学科技教育名师工作室", 1, 0, 1, 2, 0, 2, 1, 3, 2, 3, { formula: "VLOOKUP(A9,配套经费!A:B,2,FALSE)", result: { error: "#N/A" } }], // 9: 二, 十 #N/A → 8 合格 (warning)
    ["灌南县新知学校创客名师工作室", 1, 1, 1, 2, 1, 2, 2, 4, 3, 3, 3000], // 10 (hidden): 10 优秀
    ["海州区郁洲路小学科学名师工作室", 0, 0, 1, 0, 0, 1, 1, 1, "2场", 1, null], // 11: only 三 六 八; 十 blank → 3 不合格
  ];
  const sum = (c: string) => ({ formula: `SUM(${c}4:${c}11)`, result: 0 });
  const total: Row = ["合计", ...["B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"].map(sum)];
  // Cached SUM results as Excel computes them: text cells ("２", "3所", "¥5,000") count as 0.
  for (let c = 1; c <= 11; c++) (total[c] as { result: number }).result = rows.reduce((a, r) => a + (typeof r[c] === "number" ? (r[c] as number) : 0), 0);
  const ws = sheet(wb, "考核", "2024年度青少年科技教育名师工作室考核汇总表", [top, sub], [...rows, total], { hidden: [10] });
  ws.mergeCells("E2:F2");
  for (const c of ["A", "B", "C", "D", "G", "H", "I", "J", "K", "L"]) ws.mergeCells(`${c}2:${c}3`);
  await save(wb, "考核-两行表头.xlsx");
}

async function budget(): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const headers: Row = ["工作室名称", "年度", "日期", "支出类别", "金额（元）", "用途说明", "单位配套经费（元）"];
  const rows: Row[] = [
    ["新海工作室", 2024, "2024-03-12", "讲课费", "¥3,000.00", "送教下乡（灌云）", 2000], // 3
    ["新海工作室", 2024, "2024/4/8", "餐费", "1,200元", "科技辅导员培训", undefined], // 4
    ["新海工作室", 2024, "2024年5月20日", "材料费", "0.5万元", "机器人套件耗材", undefined], // 5
    ["新海工作室", 2024, "2024-06-01", "版面费", 2600, "论文发表", undefined], // 6: spent 11,800 of 12,000 → near limit
    ["墟沟工作室", 2024, "2024-03-02", "设备购置费", 4500, "购买3D打印机", undefined], // 7: forbidden
    ["墟沟工作室", 2024, "2024-04-15", "礼品", 800, "慰问专家", undefined], // 8: forbidden
    ["墟沟工作室", 2024, "2024-05-10", "讲课费", "6,000", "日常备课", undefined], // 9: purpose warning
    [], // 10: blank
    ["墟沟工作室", 2024, "2024-09-01", "场地租赁费", "1.2万元", "科普日活动场地", undefined], // 11: over limit: 23,300 > 10,000
    ["白塔工作室", 2024, "2024-05-05", "办公用品", 300, "打印纸", undefined], // 12: unknown category
    ["白塔工作室", 2024, "2024-06-06", "交通费", "若干", "外出调研", undefined], // 13: unreadable amount
    ["赣榆工作室", 2024, new Date(Date.UTC(2024, 3, 18)), "专家课时费", "￥2,400", "专家讲座：青少年人工智能入门", undefined], // 14: a real date cell
    ["赣榆工作室", 2024, "2024/5/9", "车费", "８００", "帮扶东海县石榴中心小学", undefined], // 15
    ["赣榆工作室", 2024, "2024-06-20", "图书资料费", 1500, "订阅《少年科学》等期刊", undefined], // 16 (hidden)
    ["赣榆工作室", 2024, "2024年10月8日", "印刷费", "4,200.00元", "工作室成果汇编印刷", undefined], // 17: 8,900 of 10,000 (89 %) → ok
  ];
  // The official's SUM, cached as Excel computes it: amounts typed as text ("¥3,000.00", "1.2万元") count as 0.
  const cached = rows.reduce((a, r) => a + (typeof r[4] === "number" ? (r[4] as number) : 0), 0);
  const total: Row = ["合计", undefined, undefined, undefined, { formula: "SUM(E3:E17)", result: cached }, undefined, undefined];
  const ws = sheet(wb, "经费支出", "2024年度名师工作室经费支出明细表", [headers], [...rows, total], { hidden: [16] });
  ws.getCell("C14").numFmt = "yyyy-mm-dd";
  await save(wb, "经费支出.xlsx");
}

async function application(): Promise<void> {
  const wb = new ExcelJS.Workbook();
  sheet(wb, "学校", "名师工作室申报学校条件审核表", [["学校名称", "学校类型", "工作室面积（平方米）", "室内高度（米）", "可容纳人数", "安全、采光、通风、消防达标", "有公共卫生设施", "配有设备和教材"]], [
    ["海州区新海实验中学", "初级中学", 60, 3.0, "30人", "是", "是", "是"], // 符合
    ["连云区墟沟小学", "小学", "45平方米", 2.8, 20, "是", "是", "是"], // 面积 不符合
    ["东海县某培训中心", "培训机构", 80, 3.2, 40, "是", "是", "是"], // 学校类型 不符合
  ]);
  // The award columns (等级, 第一指导教师, 赛事) let 第十二条（二）3 and （三）2 be checked whole.
  const province = "江苏省青少年科技创新大赛";
  sheet(wb, "主持人", "主持人条件审核表", [["姓名", "申报日期", "拥护党的领导、遵纪守法", "专业技术职称", "市级学科带头人", "省赛一等奖获奖时间", "获奖等级", "指导教师排名", "获奖赛事", "专业引领和组织协调能力"]], [
    ["王建国", "2024-09-01", "是", "中学高级教师", "否", "2021年5月20日", "一等奖", "第一指导教师", province, "是"], // 符合
    ["李敏", "2024-09-01", "是", "中学二级教师", "是", "2019-09-01", "一等奖", "第一指导教师", "江苏省青少年机器人竞赛", "是"], // 符合 (学科带头人; exactly 5 years)
    ["张伟", "2024-09-01", "是", "中学一级教师", "否", "2018-06-30", "一等奖", "第一指导教师", province, "是"], // prize too old
  ]);
  const county = "县（区）青少年科技创新大赛";
  sheet(wb, "成员", "工作室成员条件审核表", [["姓名", "申报日期", "骨干教师级别", "县级二等奖以上获奖时间", "获奖等级", "指导教师排名", "获奖赛事", "团队合作精神"]], [
    ["陈静", 2024, "区级骨干教师", 2022, "二等奖", "第一指导教师", county, "是"],
    ["杨帆", 2024, "市级骨干教师", 2021, "一等奖", "第一指导教师", "市青少年机器人竞赛", "是"],
    ["赵丽", 2024, "县级骨干", 2020, "二等奖", "第一指导教师", county, "是"],
    ["孙强", 2024, "区级骨干教师", 2018, "二等奖", "第一指导教师", county, "是"], // 2018 < 2019
    ["周敏", 2024, "校级", 2023, "一等奖", "第一指导教师", county, "是"], // 校级 is not county level
    ["吴刚", 2024, "市级骨干教师", 2023, "二等奖", "第一指导教师", county, "否"], // team spirit
  ]);
  await save(wb, "申报资格.xlsx");
}

async function routine(): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const teachers: Row[] = [
    [1, "陈老师", "语文", 12, "10次", 4, 4, 950], // 3: 达标
    [2, "刘老师", "数学", 2, 9, 4, 4, 1200], // 4: under 3 years needs 15 → 未达标
    [3, "孙老师", "科学", 1, "１５", 4, 4, "860字"], // 5: 达标
    [4, "周老师", "英语", 6, 8, 3, 4, 820], // 6: one reflection short → 未达标
    [5, "吴老师", "物理", 20, 8, 4, 4, 600], // 7: reflection too short → 未达标
    [], // 8: blank
    [6, "郑老师", "信息技术", "二", 16, "四", 4, 900], // 9: under 3 years, 16 ≥ 15 → 达标
    [7, "王老师", "化学", 5, "若干", 4, 4, 1000], // 10: 听课 unreadable → 未达标
    [8, "冯老师", "生物", 3, 8, 4, 4, 810], // 11 (hidden): exactly 3 years → needs 8 → 达标
    [9, "钱老师", "历史", 8, { formula: "6+6", result: 12 }, 4, 4, "1,050"], // 12: 达标
  ];
  const sumOf = (c: number) => teachers.reduce((a, r) => a + (typeof r[c] === "number" ? (r[c] as number) : 0), 0);
  const total: Row = ["合计", undefined, undefined, undefined, { formula: "SUM(E3:E12)", result: sumOf(4) + 12 }, { formula: "SUM(F3:F12)", result: sumOf(5) }, undefined, undefined];
  sheet(wb, "教师常规", "2024—2025学年第一学期教学常规检查汇总（听课、学月反思）", [["序号", "姓名", "任教学科", "教龄（年）", "听课节数（节）", "学月反思篇数", "学期月数", "反思字数（最短一篇）"]], [...teachers, total], { hidden: [11] });
  sheet(wb, "教研员", "教研员每周工作检查（第3—4周）", [["姓名", "周次", "本周听课次数", "本周抽查备课本数"]], [
    ["李主任", "第3周", 3, 2], // 达标
    ["李主任", "第4周", "2次", 3], // 听课 2 < 3 → 未达标
    ["陈老师", "第3周", 4, "1本"], // 抽查 1 < 2 → 未达标
    ["陈老师", "第4周", "３", "二"], // 达标
  ]);
  // 是否跨省: the plan asks the report of cross-province trips only.
  sheet(wb, "外出考察", "跨省学习考察情况登记", [["考察人", "考察地点", "是否跨省", "考察报告字数", "新闻撰写用时（天）"]], [
    ["王老师", "上海市", "是", 2300, 5], // 达标
    ["刘老师", "浙江省杭州市", "是", "1800字", 3], // report 1800 < 2000 → 未达标
    ["赵老师", "安徽省合肥市", "是", 2100, "20天"], // news 20 > 14 days → 未达标
  ]);
  await save(wb, "教学常规.xlsx");
}

/**
 * A city's four studios over their three-year term, in one workbook: a roster (名册), the
 * assessments of 2023, 2024 and 2025 (one sheet per year, the year in the sheet name, the studios'
 * names written in full one year and short the next), and three years of spending. The ledger
 * expected from it is in examples/README.md (工作室周期台账).
 */
async function term(): Promise<void> {
  const wb = new ExcelJS.Workbook();
  sheet(wb, "名册", "连云港市青少年科技教育名师工作室名册", [["工作室名称", "所在学校", "挂牌日期", "主持人", "成员", "预算报告报送日期"]], [
    ["王建国工作室", "海州区新海实验中学", "2023-09-01", "王建国", 11, "2023-09-06"],
    ["李敏工作室", "连云区墟沟中学", "2023年9月1日", "李敏", "10人", "2023-09-15"], // late: due 2023-09-08
    ["张伟工作室", "赣榆区实验中学", "2023/9/1", "张伟", "赵一、钱二、孙三、李四、周五、吴六、郑七、王八", undefined],
    ["刘洋工作室", "东海县白塔高级中学", new Date(Date.UTC(2023, 8, 1)), "刘洋", 9, "2023-09-07"],
  ]).getCell("C6").numFmt = "yyyy-mm-dd";
  const headers: Row = ["工作室名称", "主持人", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员数", "单位配套经费（元）"];
  // Evidence meeting all ten standards; `fail` zeroes the listed ones (by index into the ten).
  const evidence = (fail: number[] = []): Row => {
    const all = [1, 1, 1, 2, 0, 2, 1, 3, 2, 3, 5000];
    const at = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10]; // standard k → column of its evidence (四 reads first prizes)
    for (const k of fail) all[at[k]] = 0;
    return all;
  };
  const excellent = evidence(); // 10 → 优秀
  const qualified = evidence([0, 1, 3]); // 7 → 合格
  const failed = evidence([0, 1, 3, 4, 6, 8]); // 4 → 不合格
  const year = (y: number, rows: Row[]) => sheet(wb, `${y}年度考核`, `${y}年度青少年科技教育名师工作室考核汇总表`, [headers], rows);
  year(2023, [
    ["海州区新海实验中学王建国科技教育名师工作室", "王建国", ...excellent],
    ["连云区墟沟中学李敏科技教育名师工作室", "李敏", ...qualified],
    ["赣榆区实验中学张伟科技教育名师工作室", "张伟", ...failed],
    ["东海县白塔高级中学刘洋科技教育名师工作室", "刘洋", ...qualified],
  ]);
  year(2024, [
    ["新海工作室", "王建国", ...excellent],
    ["墟沟中学李敏工作室", "李敏", ...failed],
    ["张伟工作室", "张伟", ...qualified],
    // 白塔: no 2024 assessment was submitted
  ]);
  year(2025, [
    ["海州区新海实验中学王建国科技教育名师工作室", "王建国", ...qualified],
    ["李敏工作室", "李敏", ...qualified],
    ["赣榆区实验中学张伟科技教育名师工作室", "张伟", ...failed],
    ["白塔高级中学刘洋工作室", "刘洋", ...qualified],
  ]);
  sheet(wb, "经费支出", "2023—2025年度名师工作室经费支出明细表", [["工作室名称", "年度", "支出类别", "金额（元）", "用途说明", "单位配套经费（元）"]], [
    ["新海工作室", 2023, "讲课费", 4000, "送教下乡", 2000],
    ["新海工作室", 2023, "材料费", 3000, "机器人套件耗材", undefined],
    ["新海工作室", 2024, "讲课费", 5000, "帮扶灌云县薄弱学校", 2000],
    ["新海工作室", 2024, "交通费", 1200, "送教交通", undefined],
    ["新海工作室", 2025, "版面费", 2600, "论文发表", 2000],
    ["新海工作室", 2025, "讲课费", 6000, "送教下乡", undefined],
    ["墟沟工作室", 2023, "讲课费", 6000, "科技辅导员培训", undefined],
    ["墟沟工作室", 2024, "交通费", 2000, "外出调研", undefined],
    ["墟沟工作室", 2025, "讲课费", 3000, "专家讲座", 2000], // 2024 不合格 → 2025 limit = matching only
    ["赣榆工作室", 2023, "材料费", 4000, "教学材料", undefined],
    ["赣榆工作室", 2024, "交通费", 1500, "帮扶东海县石榴中心小学", 1000], // 2023 不合格 → 2024 limit 1,000
    ["白塔工作室", 2023, "图书资料费", 2000, "订阅期刊", undefined],
    ["白塔工作室", 2025, "交通费", 800, "外出考察", undefined], // 2024 not assessed → 2025 limit unknown
  ]);
  await save(wb, "周期台账.xlsx");
}

async function main(): Promise<void> {
  await assessmentEvidence();
  await assessmentFlags();
  await assessmentTwoRow();
  await budget();
  await application();
  await routine();
  await term();
  console.log(`examples written to ${OUT}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
