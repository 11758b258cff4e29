//! The header rows of other tools' real exports, as their files begin (written from
//! the vendors' documentation and files they exported), each guessed as the import
//! page guesses it: every column that names a field the module has maps to it
//! without a manual change, and nothing else maps — a salutation, a fax, a record
//! id, an assistant's phone, a home or other address beside a business one.

use crate::domain::interchange::csv_columns::split_target;
use crate::domain::interchange::csv_import::{guess_mapping, read_table};
use crate::domain::modules::lead_module::LEADS;
use crate::domain::modules::sales_modules::DEALS;
use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
use crate::domain::records::field::{FieldKind, Label};

struct Export {
    tool: &'static str,
    module: &'static str,
    /// The file's first line.
    header_row: &'static str,
    /// Every column that maps, with its target; all others stay unmapped.
    maps: &'static [(&'static str, &'static str)],
    /// Columns it would be wrong to map, named so a change that maps them says so.
    never: &'static [&'static str],
}

const EXPORTS: &[Export] = &[
    Export {
        tool: "Zoho CRM, contacts",
        module: CONTACTS,
        header_row: "Record Id,Contact Owner,Lead Source,First Name,Last Name,Account Name,\
            Vendor Name,Email,Title,Department,Phone,Home Phone,Other Phone,Fax,Mobile,\
            Date of Birth,Assistant,Asst Phone,Reports To,Email Opt Out,Created By,\
            Modified By,Created Time,Modified Time,Full Name,Mailing Street,Other Street,\
            Mailing City,Other City,Mailing State,Other State,Mailing Zip,Other Zip,\
            Mailing Country,Other Country,Description,Skype ID,Secondary Email,Salutation,\
            Twitter,Last Activity Time,Tag",
        maps: &[
            ("Lead Source", "lead_source"),
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Account Name", "company"),
            ("Email", "emails"),
            ("Title", "job_title"),
            ("Phone", "phones"),
            ("Home Phone", "phones"),
            ("Other Phone", "phones"),
            ("Mobile", "phones"),
            ("Date of Birth", "birthday"),
            ("Mailing Street", "street"),
            ("Mailing City", "city"),
            ("Mailing State", "region"),
            ("Mailing Zip", "postal_code"),
            ("Mailing Country", "country"),
            ("Description", "description"),
            ("Secondary Email", "emails"),
            ("Tag", "tags"),
        ],
        never: &[
            "Record Id",
            "Salutation",
            "Fax",
            "Asst Phone",
            "Other Street",
            "Other City",
            "Full Name",
        ],
    },
    Export {
        tool: "Zoho CRM, leads",
        module: LEADS,
        header_row: "Record Id,Lead Owner,Company,First Name,Last Name,Full Name,Title,Email,\
            Phone,Fax,Mobile,Website,Lead Source,Lead Status,Industry,No. of Employees,\
            Annual Revenue,Rating,Email Opt Out,Skype ID,Salutation,Secondary Email,Twitter,\
            Street,City,State,Zip Code,Country,Description,Created By,Modified By,\
            Created Time,Modified Time,Tag,Last Activity Time",
        maps: &[
            ("Company", "company_name"),
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Title", "job_title"),
            ("Email", "emails"),
            ("Phone", "phones"),
            ("Mobile", "phones"),
            ("Website", "website"),
            ("Lead Source", "source"),
            ("Lead Status", "status"),
            ("Industry", "industry"),
            ("No. of Employees", "employees"),
            ("Rating", "rating"),
            ("Secondary Email", "emails"),
            ("City", "city"),
            ("State", "region"),
            ("Country", "country"),
            ("Description", "description"),
        ],
        // A lead keeps no street, postal code or revenue.
        never: &[
            "Record Id",
            "Salutation",
            "Fax",
            "Full Name",
            "Street",
            "Zip Code",
        ],
    },
    Export {
        tool: "Salesforce, contacts by Data Loader",
        module: CONTACTS,
        header_row: "Id,IsDeleted,MasterRecordId,AccountId,LastName,FirstName,Salutation,Name,\
            OtherStreet,OtherCity,OtherState,OtherPostalCode,OtherCountry,OtherLatitude,\
            OtherLongitude,MailingStreet,MailingCity,MailingState,MailingPostalCode,\
            MailingCountry,MailingLatitude,MailingLongitude,Phone,Fax,MobilePhone,HomePhone,\
            OtherPhone,AssistantPhone,ReportsToId,Email,Title,Department,AssistantName,\
            LeadSource,Birthdate,Description,OwnerId,HasOptedOutOfEmail,DoNotCall,\
            CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,SystemModstamp,\
            LastActivityDate,EmailBouncedReason,EmailBouncedDate",
        maps: &[
            ("LastName", "last_name"),
            ("FirstName", "first_name"),
            ("MailingStreet", "street"),
            ("MailingCity", "city"),
            ("MailingState", "region"),
            ("MailingPostalCode", "postal_code"),
            ("MailingCountry", "country"),
            ("Phone", "phones"),
            ("MobilePhone", "phones"),
            ("HomePhone", "phones"),
            ("OtherPhone", "phones"),
            ("Email", "emails"),
            ("Title", "job_title"),
            ("LeadSource", "lead_source"),
            ("Birthdate", "birthday"),
            ("Description", "description"),
        ],
        // Salesforce's ids name no record here: an AccountId as the company's id
        // would refuse every row.
        never: &[
            "Id",
            "AccountId",
            "Salutation",
            "Name",
            "OtherStreet",
            "OtherPostalCode",
            "Fax",
            "AssistantPhone",
            "OwnerId",
        ],
    },
    Export {
        tool: "Salesforce, contacts report",
        module: CONTACTS,
        header_row: "Contact Owner,Salutation,First Name,Last Name,Title,Account Name,\
            Mailing Street,Mailing City,Mailing State/Province,Mailing Zip/Postal Code,\
            Mailing Country,Phone,Fax,Mobile,Email,Lead Source,Birthdate,Description,\
            Contact ID,Account ID,Created Date",
        maps: &[
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Title", "job_title"),
            ("Account Name", "company"),
            ("Mailing Street", "street"),
            ("Mailing City", "city"),
            ("Mailing State/Province", "region"),
            ("Mailing Zip/Postal Code", "postal_code"),
            ("Mailing Country", "country"),
            ("Phone", "phones"),
            ("Mobile", "phones"),
            ("Email", "emails"),
            ("Lead Source", "lead_source"),
            ("Birthdate", "birthday"),
            ("Description", "description"),
        ],
        never: &["Salutation", "Fax", "Contact ID", "Account ID"],
    },
    Export {
        tool: "Salesforce, leads by Data Loader",
        module: LEADS,
        header_row: "Id,IsDeleted,MasterRecordId,LastName,FirstName,Salutation,Name,Title,\
            Company,Street,City,State,PostalCode,Country,Latitude,Longitude,Phone,\
            MobilePhone,Fax,Email,Website,Description,LeadSource,Status,Industry,Rating,\
            AnnualRevenue,NumberOfEmployees,OwnerId,IsConverted,ConvertedDate,\
            ConvertedAccountId,ConvertedContactId,ConvertedOpportunityId,IsUnreadByOwner,\
            CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,SystemModstamp,\
            LastActivityDate",
        maps: &[
            ("LastName", "last_name"),
            ("FirstName", "first_name"),
            ("Title", "job_title"),
            ("Company", "company_name"),
            ("City", "city"),
            ("State", "region"),
            ("Country", "country"),
            ("Phone", "phones"),
            ("MobilePhone", "phones"),
            ("Email", "emails"),
            ("Website", "website"),
            ("Description", "description"),
            ("LeadSource", "source"),
            ("Status", "status"),
            ("Industry", "industry"),
            ("Rating", "rating"),
            ("NumberOfEmployees", "employees"),
        ],
        // The conversion's links are the app's own, never a file's.
        never: &[
            "Id",
            "Salutation",
            "Name",
            "Fax",
            "OwnerId",
            "ConvertedAccountId",
            "ConvertedContactId",
        ],
    },
    Export {
        tool: "Salesforce, leads report",
        module: LEADS,
        header_row: "Lead Owner,Salutation,First Name,Last Name,Title,Company / Account,Street,\
            City,State/Province,Zip/Postal Code,Country,Phone,Mobile,Fax,Email,Website,\
            Lead Source,Lead Status,Industry,Rating,Annual Revenue,No. of Employees,\
            Description,Lead ID,Create Date",
        maps: &[
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Title", "job_title"),
            ("Company / Account", "company_name"),
            ("City", "city"),
            ("State/Province", "region"),
            ("Country", "country"),
            ("Phone", "phones"),
            ("Mobile", "phones"),
            ("Email", "emails"),
            ("Website", "website"),
            ("Lead Source", "source"),
            ("Lead Status", "status"),
            ("Industry", "industry"),
            ("Rating", "rating"),
            ("No. of Employees", "employees"),
            ("Description", "description"),
        ],
        never: &["Lead Owner", "Salutation", "Fax", "Lead ID"],
    },
    Export {
        tool: "HubSpot, companies",
        module: COMPANIES,
        header_row: "Record ID,Company name,Company Domain Name,Company owner,Create Date,\
            Phone Number,Last Activity Date,City,State/Region,Country/Region,Postal Code,\
            Street Address,Industry,Number of Employees,Annual Revenue,Website URL,\
            Description,Lifecycle Stage,Time Zone,LinkedIn Company Page",
        maps: &[
            ("Company name", "name"),
            ("Phone Number", "phone"),
            ("City", "city"),
            ("State/Region", "region"),
            ("Country/Region", "country"),
            ("Postal Code", "postal_code"),
            ("Street Address", "street"),
            ("Industry", "industry"),
            ("Number of Employees", "employees"),
            ("Annual Revenue", "annual_revenue"),
            ("Website URL", "website"),
            ("Description", "description"),
        ],
        // The domain is the website only where no website column is given.
        never: &["Record ID", "Company Domain Name", "Company owner"],
    },
    Export {
        tool: "HubSpot, companies without a website column",
        module: COMPANIES,
        header_row: "Company name,Company Domain Name,Phone Number,Country/Region",
        maps: &[
            ("Company name", "name"),
            ("Company Domain Name", "website"),
            ("Phone Number", "phone"),
            ("Country/Region", "country"),
        ],
        never: &[],
    },
    Export {
        tool: "HubSpot, deals",
        module: DEALS,
        header_row: "Record ID,Deal Name,Deal Stage,Pipeline,Close Date,Deal owner,Amount,\
            Currency,Amount in company currency,Deal Type,Deal Description,\
            Associated Company,Associated Contact,Priority,Create Date,Closed Lost Reason,\
            Deal probability",
        maps: &[
            ("Deal Name", "title"),
            ("Deal Stage", "stage"),
            ("Pipeline", "pipeline"),
            ("Close Date", "expected_close"),
            ("Amount", "amount"),
            ("Currency", "amount#currency"),
            ("Deal Description", "description"),
            ("Associated Company", "company"),
            ("Priority", "priority"),
            ("Closed Lost Reason", "loss_reason"),
            ("Deal probability", "probability"),
        ],
        // An amount converted to HubSpot's company currency is not the deal's own.
        never: &["Record ID", "Deal owner", "Amount in company currency"],
    },
    Export {
        tool: "Pipedrive, organizations",
        module: COMPANIES,
        header_row: "Organization - ID,Organization - Name,Organization - Owner,\
            Organization - Address,Organization - Address - Street/road name of Address,\
            Organization - Address - House number of Address,\
            Organization - Address - City/town/village/locality of Address,\
            Organization - Address - State/county of Address,\
            Organization - Address - Country of Address,\
            Organization - Address - ZIP/Postal code of Address,Organization - Label,\
            Organization - People,Organization - Open deals,Organization - Won deals,\
            Organization - Update time,Organization - Visible to",
        maps: &[
            ("Organization - Name", "name"),
            (
                "Organization - Address - Street/road name of Address",
                "street",
            ),
            (
                "Organization - Address - City/town/village/locality of Address",
                "city",
            ),
            ("Organization - Address - State/county of Address", "region"),
            ("Organization - Address - Country of Address", "country"),
            (
                "Organization - Address - ZIP/Postal code of Address",
                "postal_code",
            ),
        ],
        // The whole address beside its parts would put the city in the street.
        never: &[
            "Organization - ID",
            "Organization - Owner",
            "Organization - Address",
        ],
    },
    Export {
        tool: "Pipedrive, organizations with the whole address only",
        module: COMPANIES,
        header_row: "Organization - Name,Organization - Address,Organization - Owner",
        maps: &[
            ("Organization - Name", "name"),
            ("Organization - Address", "street"),
        ],
        never: &["Organization - Owner"],
    },
    Export {
        tool: "Pipedrive, deals",
        module: DEALS,
        header_row: "Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Organization,\
            Deal - Contact person,Deal - Owner,Deal - Pipeline,Deal - Stage,Deal - Status,\
            Deal - Expected close date,Deal - Probability,Deal - Lost reason,Deal - Won time,\
            Deal - Lost time,Deal - Deal created,Deal - Next activity date,Deal - Label",
        maps: &[
            ("Deal - Title", "title"),
            ("Deal - Value", "amount"),
            ("Deal - Currency", "amount#currency"),
            ("Deal - Organization", "company"),
            ("Deal - Pipeline", "pipeline"),
            ("Deal - Stage", "stage"),
            ("Deal - Expected close date", "expected_close"),
            ("Deal - Probability", "probability"),
            ("Deal - Lost reason", "loss_reason"),
        ],
        // A deal's won or lost state is its stage's here.
        never: &[
            "Deal - ID",
            "Deal - Owner",
            "Deal - Status",
            "Deal - Contact person",
        ],
    },
    Export {
        tool: "Pipedrive, persons with one name column",
        module: CONTACTS,
        header_row: "Person - ID,Person - Name,Person - Organization,Person - Email - Work,\
            Person - Email - Home,Person - Phone - Work,Person - Phone - Mobile,\
            Person - Owner,Person - Labels",
        maps: &[
            ("Person - Name", "last_name#full_name"),
            ("Person - Organization", "company"),
            ("Person - Email - Work", "emails"),
            ("Person - Email - Home", "emails"),
            ("Person - Phone - Work", "phones"),
            ("Person - Phone - Mobile", "phones"),
        ],
        never: &["Person - ID", "Person - Owner"],
    },
    Export {
        tool: "Google Contacts, Google CSV",
        module: CONTACTS,
        header_row: "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,\
            Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,\
            Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,\
            Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,\
            Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,\
            E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,\
            Phone 2 - Value,Address 1 - Type,Address 1 - Formatted,Address 1 - Street,\
            Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,\
            Address 1 - Country,Address 1 - Extended Address,Address 2 - Type,\
            Address 2 - Street,Address 2 - City,Organization 1 - Type,Organization 1 - Name,\
            Organization 1 - Yomi Name,Organization 1 - Title,Organization 1 - Department,\
            Organization 1 - Symbol,Organization 1 - Location,\
            Organization 1 - Job Description,Website 1 - Type,Website 1 - Value",
        maps: &[
            ("Given Name", "first_name"),
            ("Family Name", "last_name"),
            ("Birthday", "birthday"),
            ("Notes", "description"),
            ("E-mail 1 - Value", "emails"),
            ("E-mail 2 - Value", "emails"),
            ("Phone 1 - Value", "phones"),
            ("Phone 2 - Value", "phones"),
            ("Address 1 - Street", "street"),
            ("Address 1 - City", "city"),
            ("Address 1 - Region", "region"),
            ("Address 1 - Postal Code", "postal_code"),
            ("Address 1 - Country", "country"),
            ("Organization 1 - Name", "company"),
            ("Organization 1 - Title", "job_title"),
        ],
        // "Name" beside the given and family names is only their sum.
        never: &[
            "Name",
            "Given Name Yomi",
            "Name Prefix",
            "E-mail 1 - Type",
            "Address 1 - Formatted",
            "Address 2 - Street",
            "Address 2 - City",
        ],
    },
    Export {
        tool: "Outlook in Russian",
        module: CONTACTS,
        header_row: "\"Обращение\",\"Имя\",\"Отчество\",\"Фамилия\",\"Суффикс\",\"Организация\",\
            \"Отдел\",\"Должность\",\"Улица (раб. адрес)\",\"Улица 2 (раб. адрес)\",\
            \"Улица 3 (раб. адрес)\",\"Город (раб. адрес)\",\"Область (раб. адрес)\",\
            \"Индекс (раб. адрес)\",\"Страна или регион (раб. адрес)\",\"Улица (дом. адрес)\",\
            \"Улица 2 (дом. адрес)\",\"Улица 3 (дом. адрес)\",\"Город (дом. адрес)\",\
            \"Область (дом. адрес)\",\"Почтовый код (дом.)\",\"Страна или регион (дом. адрес)\",\
            \"Улица (другой адрес)\",\"Город  (другой адрес)\",\"Индекс  (другой адрес)\",\
            \"Телефон помощника\",\"Рабочий факс\",\"Рабочий телефон\",\"Телефон раб. 2\",\
            \"Обратный вызов\",\"Телефон в машине\",\"Основной телефон организации\",\
            \"Домашний факс\",\"Домашний телефон\",\"Телефон дом. 2\",\"ISDN\",\
            \"Мобильный телефон\",\"Другой факс\",\"Другой телефон\",\"Пейджер\",\
            \"Основной телефон\",\"Радиотелефон\",\"Телетайп/телефон с титрами\",\"Телекс\",\
            \"Важность\",\"Веб-страница\",\"Годовщина\",\"День рождения\",\"Дети\",\"Заметки\",\
            \"Имя помощника\",\"Инициалы\",\"Категории\",\"Ключевые слова\",\"Код организации\",\
            \"Пол\",\"Пометка\",\"Почтовый ящик (раб. адрес)\",\"Профессия\",\"Руководитель\",\
            \"Супруг(а)\",\"Хобби\",\"Адрес эл. почты\",\"Тип эл. почты\",\
            \"Краткое имя эл. почты\",\"Адрес 2 эл. почты\",\"Тип 2 эл. почты\",\
            \"Краткое 2 имя эл. почты\",\"Адрес 3 эл. почты\",\"Тип 3 эл. почты\",\
            \"Краткое 3 имя эл. почты\",\"Язык\"",
        maps: &[
            ("Имя", "first_name"),
            ("Фамилия", "last_name"),
            ("Организация", "company"),
            ("Должность", "job_title"),
            ("Улица (раб. адрес)", "street"),
            ("Город (раб. адрес)", "city"),
            ("Область (раб. адрес)", "region"),
            ("Индекс (раб. адрес)", "postal_code"),
            ("Страна или регион (раб. адрес)", "country"),
            ("Рабочий телефон", "phones"),
            ("Телефон раб. 2", "phones"),
            ("Домашний телефон", "phones"),
            ("Телефон дом. 2", "phones"),
            ("Мобильный телефон", "phones"),
            ("Другой телефон", "phones"),
            ("Основной телефон", "phones"),
            ("День рождения", "birthday"),
            ("Заметки", "description"),
            ("Категории", "tags"),
            ("Адрес эл. почты", "emails"),
            ("Адрес 2 эл. почты", "emails"),
            ("Адрес 3 эл. почты", "emails"),
        ],
        // A patronymic is not a given name a form would show; an assistant's name
        // holds "Имя" but names someone else.
        never: &[
            "Обращение",
            "Отчество",
            "Улица 2 (раб. адрес)",
            "Улица (дом. адрес)",
            "Город (дом. адрес)",
            "Почтовый код (дом.)",
            "Улица (другой адрес)",
            "Рабочий факс",
            "Телефон помощника",
            "Основной телефон организации",
            "Имя помощника",
            "Краткое имя эл. почты",
            "Тип эл. почты",
        ],
    },
    Export {
        tool: "Outlook in Turkish",
        module: CONTACTS,
        header_row: "\"Unvan\",\"Ad\",\"İkinci Ad\",\"Soyadı\",\"Sonek\",\"Şirket\",\"Bölüm\",\
            \"İş Unvanı\",\"İş Faksı\",\"İş Telefonu\",\"İş Telefonu 2\",\"Ev Telefonu\",\
            \"Cep Telefonu\",\"Çağrı Cihazı\",\"E-posta Adresi\",\"E-posta 2 Adresi\",\
            \"E-posta Türü\",\"Doğum Günü\",\"Notlar\",\"Web Sayfası\"",
        maps: &[
            ("Ad", "first_name"),
            ("Soyadı", "last_name"),
            ("Şirket", "company"),
            ("İş Unvanı", "job_title"),
            ("İş Telefonu", "phones"),
            ("İş Telefonu 2", "phones"),
            ("Ev Telefonu", "phones"),
            ("Cep Telefonu", "phones"),
            ("E-posta Adresi", "emails"),
            ("E-posta 2 Adresi", "emails"),
            ("Doğum Günü", "birthday"),
            ("Notlar", "description"),
        ],
        // "Unvan" beside "İş Unvanı" is the salutation (Bay, Dr.), though the app's
        // Turkish label for a job title is "Unvan" too.
        never: &["Unvan", "İkinci Ad", "İş Faksı", "E-posta Türü"],
    },
    Export {
        tool: "a Persian spreadsheet",
        module: CONTACTS,
        header_row: "نام,نام خانوادگی,ایمیل,تلفن همراه,شرکت,سمت,شهر,یادداشت,کد ملی",
        maps: &[
            ("نام", "first_name"),
            ("نام خانوادگی", "last_name"),
            ("ایمیل", "emails"),
            ("تلفن همراه", "phones"),
            ("شرکت", "company"),
            ("سمت", "job_title"),
            ("شهر", "city"),
            ("یادداشت", "description"),
        ],
        never: &["کد ملی"],
    },
    Export {
        tool: "a Persian spreadsheet of leads with one name column",
        module: LEADS,
        header_row: "نام و نام خانوادگی,ایمیل,موبایل,شرکت,وضعیت",
        maps: &[
            ("نام و نام خانوادگی", "last_name#full_name"),
            ("ایمیل", "emails"),
            ("موبایل", "phones"),
            ("شرکت", "company_name"),
            ("وضعیت", "status"),
        ],
        never: &[],
    },
    Export {
        tool: "a Thai spreadsheet",
        module: CONTACTS,
        header_row: "ชื่อ,นามสกุล,อีเมล,โทรศัพท์มือถือ,บริษัท,ตำแหน่ง,ที่อยู่,หมายเหตุ,ชื่อเล่น",
        maps: &[
            ("ชื่อ", "first_name"),
            ("นามสกุล", "last_name"),
            ("อีเมล", "emails"),
            ("โทรศัพท์มือถือ", "phones"),
            ("บริษัท", "company"),
            ("ตำแหน่ง", "job_title"),
            ("ที่อยู่", "street"),
            ("หมายเหตุ", "description"),
        ],
        // A nickname holds "ชื่อ" (name) but is not the given name.
        never: &["ชื่อเล่น"],
    },
    Export {
        tool: "a Thai spreadsheet of leads with one name column",
        module: LEADS,
        header_row: "ชื่อ-นามสกุล,อีเมล,เบอร์โทร,บริษัท",
        maps: &[
            ("ชื่อ-นามสกุล", "last_name#full_name"),
            ("อีเมล", "emails"),
            ("เบอร์โทร", "phones"),
            ("บริษัท", "company_name"),
        ],
        never: &[],
    },
    Export {
        tool: "a Russian spreadsheet of leads with a ФИО column",
        module: LEADS,
        header_row: "ФИО,Эл. почта,Телефон,Компания,Должность,Город",
        maps: &[
            ("ФИО", "last_name#family_first"),
            ("Эл. почта", "emails"),
            ("Телефон", "phones"),
            ("Компания", "company_name"),
            ("Должность", "job_title"),
            ("Город", "city"),
        ],
        never: &[],
    },
    Export {
        tool: "a Turkish spreadsheet with one name column",
        module: CONTACTS,
        header_row: "Ad Soyad,E-posta,Telefon,Şirket,Unvan",
        maps: &[
            ("Ad Soyad", "last_name#full_name"),
            ("E-posta", "emails"),
            ("Telefon", "phones"),
            ("Şirket", "company"),
            // Without "İş Unvanı" beside it, the app's own label for a job title.
            ("Unvan", "job_title"),
        ],
        never: &[],
    },
    Export {
        tool: "an English spreadsheet, plurals and singulars",
        module: CONTACTS,
        header_row: "Name,Emails,Phones,Company Name,Job Title,City,Notes",
        maps: &[
            ("Name", "last_name#full_name"),
            ("Emails", "emails"),
            ("Phones", "phones"),
            ("Company Name", "company"),
            ("Job Title", "job_title"),
            ("City", "city"),
            ("Notes", "description"),
        ],
        never: &[],
    },
    Export {
        tool: "an English spreadsheet of leads",
        module: LEADS,
        header_row: "Full Name,Email,Phone,Organisation,Source",
        maps: &[
            ("Full Name", "last_name#full_name"),
            ("Email", "emails"),
            ("Phone", "phones"),
            ("Organisation", "company_name"),
            ("Source", "source"),
        ],
        never: &[],
    },
];

/// The headers as the import page offers them: every field's label in every
/// language the app speaks.
fn every_language(l: &Label) -> Vec<String> {
    crate::i18n::Locale::ALL
        .iter()
        .map(|x| crate::i18n::label(*x, l))
        .collect()
}

#[test]
fn every_export_maps_its_columns_without_a_manual_change() {
    let schema = standard_schema();
    for e in EXPORTS {
        let m = schema.module(e.module).unwrap();
        let headers = read_table(format!("{}\n", e.header_row).as_bytes())
            .unwrap()
            .headers;
        // A name the row does not have would pass any check of it.
        for h in e.maps.iter().map(|(h, _)| h).chain(e.never) {
            assert!(headers.iter().any(|x| x == h), "{}: no column {h}", e.tool);
        }
        let mapping = guess_mapping(m, &headers, &every_language);
        let got: Vec<(&str, &str)> = headers
            .iter()
            .zip(&mapping)
            .filter_map(|(h, t)| Some((h.as_str(), t.as_deref()?)))
            .collect();
        assert_eq!(got, e.maps, "{}", e.tool);
        for h in e.never {
            assert!(!got.iter().any(|(x, _)| x == h), "{}: {h} mapped", e.tool);
        }
    }
}

#[test]
fn an_export_fills_each_single_field_once_and_names_only_fields_of_its_module() {
    let schema = standard_schema();
    for e in EXPORTS {
        let m = schema.module(e.module).unwrap();
        let mut single = std::collections::HashSet::new();
        for (h, t) in e.maps {
            let (key, _) = split_target(t).unwrap_or_else(|| panic!("{}: {t}", e.tool));
            let f = m
                .field(key)
                .unwrap_or_else(|| panic!("{}: {h} → {t}", e.tool));
            let several = matches!(
                f.kind,
                FieldKind::Email { multiple: true } | FieldKind::Phone { multiple: true }
            );
            assert!(several || single.insert(*t), "{}: {t} twice", e.tool);
        }
    }
}

#[test]
fn a_row_maps_the_same_without_the_columns_left_unmapped() {
    // What a column maps to does not hang on the columns that map to nothing.
    let schema = standard_schema();
    for e in EXPORTS {
        let m = schema.module(e.module).unwrap();
        let headers: Vec<String> = e.maps.iter().map(|(h, _)| h.to_string()).collect();
        let mapping = guess_mapping(m, &headers, &every_language);
        let want: Vec<Option<String>> = e.maps.iter().map(|(_, t)| Some(t.to_string())).collect();
        assert_eq!(mapping, want, "{}", e.tool);
    }
}
