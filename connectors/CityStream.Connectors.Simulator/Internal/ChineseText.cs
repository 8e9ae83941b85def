namespace CityStream.Connectors.Simulator.Internal;

/// <summary>Word banks for Chinese names, addresses and free texts of the synthetic city.</summary>
internal static class ChineseText
{
    public static readonly string[] Roads =
    [
        "人民路", "工农路", "青年路", "濠河路", "崇川路", "世纪大道", "钟秀路", "长江路", "通甲路", "新城路",
        "解放路", "北大街", "海防路", "跃龙路", "江海大道", "通富路", "城山路", "园林路", "永和路", "星湖大道",
    ];

    public static readonly string[] Communities =
    [
        "和平桥小区", "文峰花园", "虹桥新村", "八里庙小区", "星湖城市广场", "濠西园", "五一新村", "新桥北村",
        "钟秀花苑", "学田新村", "碧桂园", "万科城", "海伦花园", "紫琅苑", "天生港小区", "观音山家园",
    ];

    public static readonly string[] Towns =
    [
        "观音山", "唐闸", "天生港", "兴仁", "石港", "金沙", "三余", "四甲", "悦来", "汇龙", "南阳", "吕四港",
        "白蒲", "丁堰", "长江", "掘港", "洋口", "栟茶", "曲塘", "李堡", "角斜", "西场", "刘桥", "平潮",
    ];

    public static readonly string[] FirmWords =
    [
        "通达", "恒利", "鑫源", "华泰", "金桥", "永固", "宏达", "天顺", "东升", "瑞丰", "兴盛", "利民", "长顺", "佳美", "富源",
    ];

    public static readonly string[] WorkshopKinds = ["化工作坊", "涂料加工点", "溶剂分装点", "油品调和作坊", "塑化助剂作坊", "清洗剂加工点"];

    public static readonly string[] Industries = ["溶剂分装", "涂料调配", "油品调和", "塑料助剂", "清洗剂生产", "胶粘剂生产"];

    public static readonly string[] RectificationStatuses = ["整改中", "停产整改", "限期整改", "整改复查中"];

    public static readonly (string Name, double Lat, double Lon, string Kind)[] ChemicalParks =
    [
        ("南通经济技术开发区化工园区", 32.000, 120.985, "chemical_park"),
        ("如东洋口化学工业园", 32.480, 121.060, "chemical_park"),
        ("如皋港化工新材料产业园", 32.030, 120.560, "chemical_park"),
        ("启东精细化工园", 31.835, 121.400, "chemical_park"),
        ("海安经济开发区物流园", 32.495, 120.530, "logistics_yard"),
        ("通州湾物流园", 32.105, 121.300, "logistics_yard"),
        ("海门港新区物流园", 31.955, 121.350, "logistics_yard"),
    ];

    public static string Department(string category) => category switch
    {
        "gas_smell" => "市燃气集团",
        "water_outage" => "南通市自来水公司",
        "power_outage" => "国网南通供电公司",
        "noise" => "市生态环境局",
        "fire_hazard" => "市消防救援支队",
        "illegal_construction" => "市城市管理局",
        "group_rental" => "市公安局",
        "environment" => "市生态环境局",
        "traffic" => "市公安局交通警察支队",
        _ => "12345热线办",
    };

    public static string Subject(string category) => category switch
    {
        "gas_smell" => "燃气异味",
        "water_outage" => "停水",
        "power_outage" => "停电",
        "noise" => "噪声扰民",
        "fire_hazard" => "消防隐患",
        "illegal_construction" => "违章搭建",
        "group_rental" => "群租房",
        "environment" => "环境污染",
        "traffic" => "交通秩序",
        _ => "其他诉求",
    };

    public static IReadOnlyList<string> HotlineTexts(string category) => category switch
    {
        "gas_smell" =>
        [
            "小区楼道里有很浓的煤气味，请尽快处理",
            "{place}一楼闻到明显燃气味，担心泄漏，请燃气公司来看看",
            "{place}附近一直有煤气味，已经持续半小时了",
            "家门口楼梯间燃气味很重，邻居也闻到了，请尽快派人",
            "{place}地下车库入口有刺鼻的煤气味",
        ],
        "water_outage" => ["{place}从早上开始停水，没有提前通知", "{place}水压很低，楼上几乎没水", "{place}停水已经超过六小时，什么时候恢复"],
        "power_outage" => ["{place}整栋楼停电了，请尽快抢修", "{place}晚上频繁跳闸停电", "{place}路灯不亮，夜里出行不安全"],
        "noise" => ["{place}附近工地夜间施工，噪音太大影响休息", "{place}广场舞音响声音过大", "{place}楼上装修噪音从早到晚"],
        "fire_hazard" => ["{place}楼道里堆满杂物，堵塞消防通道", "{place}有人在楼道给电动车充电，存在火灾隐患", "{place}消防栓损坏无水"],
        "illegal_construction" => ["{place}顶楼有人违章搭建彩钢棚", "{place}一楼住户私自扩建院子", "{place}小区绿化带被占用搭建板房"],
        "group_rental" => ["{place}一套房子住了十几个人，进出人员复杂", "{place}楼下房子被隔成很多小间出租，存在安全隐患", "{place}出租屋人员密集，晚上很吵"],
        "environment" => ["{place}附近工厂排放刺鼻气味", "{place}河道有黑水排放，气味难闻", "{place}垃圾清运不及时，气味很大"],
        "traffic" => ["{place}路口信号灯故障", "{place}路边长期占道停车，影响通行", "{place}早晚高峰拥堵严重，建议增设信号灯"],
        _ => ["咨询{place}社区医保办理流程", "{place}小区物业不作为，多次反映无果", "{place}公交站台破损，希望维修"],
    };

    public static IReadOnlyList<string> GridReportTexts(string category) => category switch
    {
        "dispute" => ["网格员走访发现{place}邻里纠纷升级，已联系社区民警介入调处", "{place}发生纠纷，已现场劝解并上报"],
        "mass_incident" => ["{place}有群众聚集反映诉求，网格员已到场维持秩序并上报", "{place}多名人员聚集，已报告街道和派出所"],
        "fire_hazard" => ["巡查发现{place}楼道电动车违规充电，已督促整改", "{place}消防通道被占用，已通知物业清理"],
        "group_rental" => ["走访发现{place}疑似群租，已登记并上报", "{place}出租屋隔断严重、人员密集，已上报核查"],
        "hazmat" => ["{place}发现危化品车辆异常停放，已上报应急管理部门", "{place}危化品事故现场已拉警戒线，网格员协助疏散"],
        "environment" => ["巡查发现{place}垃圾乱堆，已通知环卫清运", "{place}河道漂浮物较多，已上报"],
        "safety" => ["{place}安全隐患巡查，发现井盖缺失，已设置警示", "{place}老旧电线私拉乱接，已提醒住户整改"],
        _ => ["{place}日常巡查，未见异常", "{place}走访独居老人，情况良好"],
    };

    public static IReadOnlyList<string> PoliceSummaries(string eventClass) => eventClass switch
    {
        "dispute_turned_criminal" => ["{place}邻里纠纷升级为故意伤害，一人受伤送医", "{place}债务纠纷引发打斗，已立刑事案件"],
        "mass_incident" => ["{place}数十名群众聚集讨薪，现场秩序一度混乱", "{place}因拆迁补偿问题发生群体性聚集"],
        "extreme_act" => ["{place}一男子持刀扬言报复社会，已被控制", "{place}有人站上楼顶欲轻生，经劝解后获救"],
        "domestic_violence_escalated" => ["{place}家庭暴力升级，受害人重伤", "{place}家暴警情多次复发，已发告诫书"],
        "school_safety" => ["{place}学校门口发生伤人事件", "{place}校园周边发现可疑人员持械"],
        "hazmat_accident" => ["{place}危化品运输车辆泄漏，已疏散周边群众", "{place}化工作坊发生爆燃，一人受伤"],
        "fire_casualty" => ["{place}民房火灾造成人员伤亡", "{place}出租屋起火，两人被困后救出送医"],
        "missing_vulnerable_person" => ["{place}一名患阿尔茨海默症老人走失", "{place}一名精神障碍患者离家未归"],
        "minor_dispute" => ["{place}邻里因停车位发生口角，已调解", "{place}商户与顾客发生争执，已劝离"],
        "theft" => ["{place}电动车被盗", "{place}商铺夜间被撬，损失现金若干"],
        "traffic_accident" => ["{place}两车追尾，无人员伤亡", "{place}电动车与行人刮擦，轻微伤"],
        _ => ["{place}群众求助开锁", "{place}噪音扰民警情，已劝导"],
    };

    public static string Fill(string template, string place) => template.Replace("{place}", place, StringComparison.Ordinal);
}
