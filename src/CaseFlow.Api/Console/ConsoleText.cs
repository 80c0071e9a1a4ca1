namespace CaseFlow.Api.Console;

/// <summary>The console's words in English and Russian (most compliance staff in Kazakhstan work in Russian); the <c>lang</c> cookie chooses.</summary>
public static class ConsoleText
{
    public const string Cookie = "caseflow-lang";

    private static readonly Dictionary<string, (string En, string Ru)> Words = new(StringComparer.Ordinal)
    {
        ["title"] = ("CaseFlow console", "Консоль CaseFlow"),
        ["signIn"] = ("Sign in", "Войти"),
        ["signOut"] = ("Sign out", "Выйти"),
        ["apiKey"] = ("API key", "API-ключ"),
        ["badKey"] = ("That key is not valid, or it was revoked.", "Ключ недействителен или отозван."),
        ["today"] = ("Today", "Сегодня"),
        ["cases"] = ("Caseload", "Дела"),
        ["ops"] = ("Operations", "Эксплуатация"),
        ["overdue"] = ("Overdue", "Просрочено"),
        ["dueToday"] = ("Due today", "Срок сегодня"),
        ["upcoming"] = ("Coming up", "Предстоящие"),
        ["noAlerts"] = ("No open alerts.", "Открытых оповещений нет."),
        ["person"] = ("Person", "Лицо"),
        ["alert"] = ("Alert", "Оповещение"),
        ["due"] = ("Due", "Срок"),
        ["rule"] = ("Rule", "Норма"),
        ["fine"] = ("Fine at risk", "Риск штрафа"),
        ["acknowledge"] = ("Acknowledge", "Принять"),
        ["resolve"] = ("Resolve", "Закрыть"),
        ["reason"] = ("Reason", "Причина"),
        ["status"] = ("Status", "Статус"),
        ["search"] = ("Search by name or passport", "Поиск по имени или паспорту"),
        ["nextDeadline"] = ("Next deadline", "Ближайший срок"),
        ["history"] = ("History", "История"),
        ["limits"] = ("Days used", "Использовано дней"),
        ["timeline"] = ("Timeline", "Хронология"),
        ["deadlines"] = ("Deadlines", "Сроки"),
        ["record"] = ("Record", "Записать"),
        ["RecordNotification"] = ("Notification to the migration service", "Уведомление миграционной службы"),
        ["RecordEntry"] = ("Entry into Kazakhstan", "Въезд в Казахстан"),
        ["RecordExit"] = ("Exit from Kazakhstan", "Выезд из Казахстана"),
        ["RecordAddressChange"] = ("Change of address", "Смена адреса"),
        ["IssueVisa"] = ("Visa issued", "Выдана виза"),
        ["ExtendVisa"] = ("Visa extended", "Виза продлена"),
        ["ChangeCategory"] = ("Visa category changed", "Смена категории визы"),
        ["CancelVisa"] = ("Visa cancelled", "Виза аннулирована"),
        ["IssueResidencePermit"] = ("Temporary residence permit", "Разрешение на временное проживание"),
        ["ReplacePassport"] = ("New passport", "Новый паспорт"),
        ["CloseCase"] = ("Close the case", "Закрыть дело"),
        ["address"] = ("Address", "Адрес"),
        ["category"] = ("Category", "Категория"),
        ["entries"] = ("Entries", "Въезды"),
        ["validFrom"] = ("Valid from", "Действует с"),
        ["validTo"] = ("Valid to", "Действует до"),
        ["stayPerEntryDays"] = ("Days per entry", "Дней за въезд"),
        ["inCountry"] = ("Issued in Kazakhstan", "Выдана в Казахстане"),
        ["eVisa"] = ("e-Visa", "Электронная виза"),
        ["to"] = ("New category", "Новая категория"),
        ["passportNumber"] = ("Passport number", "Номер паспорта"),
        ["passportExpiry"] = ("Passport expiry", "Срок паспорта"),
        ["hostPartyId"] = ("Host party (id)", "Принимающая сторона (id)"),
        ["invitingHostPartyId"] = ("Inviting host party (id)", "Приглашающая сторона (id)"),
        ["date"] = ("Date", "Дата"),
        ["channel"] = ("Channel", "Канал"),
        ["reference"] = ("Reference", "Номер"),
        ["borderPoint"] = ("Border point", "Пункт пропуска"),
        ["saved"] = ("Recorded.", "Записано."),
        ["projections"] = ("Projections", "Проекции"),
        ["rebuild"] = ("Rebuild", "Перестроить"),
        ["notAllowed"] = ("Your role has nothing to see here.", "Для вашей роли здесь ничего нет."),
        ["erased"] = ("(erased)", "(удалено)"),
    };

    public static bool Russian(HttpContext http) => http.Request.Cookies[Cookie] == "ru";

    public static string T(HttpContext http, string key) =>
        Words.TryGetValue(key, out var w) ? (Russian(http) ? w.Ru : w.En) : key;
}
