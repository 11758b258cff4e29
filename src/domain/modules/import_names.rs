//! The column headers other tools' exports use for the standard fields — Outlook
//! (in English and translated, as a Russian or Turkish Outlook writes them), Google
//! Contacts, HubSpot, Pipedrive, Zoho CRM, Salesforce (report labels and Data Loader
//! API names), and the headers people type in a spreadsheet in the five languages —
//! so a file from them maps without the user choosing every column. The importer
//! compares headers folded, without spaces, punctuation or digits ("E-mail 2 Address"
//! is "emailaddress", "MailingPostalCode" is "Mailing Postal Code"); where two
//! headers of a file name the same field, the one listed first here wins.

pub const FIRST_NAME: &[&str] = &[
    "First Name",
    "Given Name",
    "Person - First name",
    "Firstname",
    "Forename",
    "Adı",
    "ชื่อจริง",
];
pub const LAST_NAME: &[&str] = &[
    "Last Name",
    "Family Name",
    "Surname",
    "Person - Last name",
    "Lastname",
    "Soyadı",
    "Soyisim",
    "فامیلی",
];
/// A person's whole name in one column, given names first: not a field's own, but
/// read into both names by any module with first and last names, when the file has
/// a column for neither.
pub const FULL_NAME: &[&str] = &[
    "Name",
    "Full Name",
    "Person - Name",
    "Contact Name",
    "Display Name",
    "Person Name",
    "Имя и фамилия",
    "Полное имя",
    "Ad Soyad",
    "Adı Soyadı",
    "İsim Soyisim",
    "نام و نام خانوادگی",
    "نام کامل",
    "ชื่อ-นามสกุล",
    "ชื่อเต็ม",
];
/// A whole name written family name first: a Russian ФИО (a column headed "Имя" is
/// a first name, as Outlook writes it).
pub const FAMILY_FIRST_NAME: &[&str] = &[
    "ФИО",
    "Ф.И.О.",
    "Фамилия Имя Отчество",
    "Фамилия, имя, отчество",
    "Фамилия и имя",
];
/// Several columns may fill the one field of a person's emails.
pub const EMAILS: &[&str] = &[
    "Email",
    "E-mail",
    "Email Address",
    "E-mail Address",
    "E-mail 2 Address",
    "E-mail 1 - Value",
    "Work Email",
    "Primary Email",
    "Secondary Email",
    "Person - Email",
    "Person - Email - Work",
    "Person - Email - Home",
    "Person - Email - Other",
    "Mail",
    "E-mails",
    // Russian, Turkish, Persian and Thai Outlook and spreadsheets.
    "Адрес эл. почты",
    "Эл. почта",
    "Электронная почта",
    "E-posta",
    "E-posta Adresi",
    "ایمیل",
    "پست الکترونیک",
    "ที่อยู่อีเมล",
];
/// Several columns may fill the one field of a person's phones.
pub const PHONES: &[&str] = &[
    "Phone",
    "Phone Number",
    "Telephone",
    "Business Phone",
    "Work Phone",
    "Mobile Phone",
    "Mobile",
    "Mobile Phone Number",
    "Home Phone",
    "Other Phone",
    "Primary Phone",
    "Phone 1 - Value",
    "Person - Phone",
    "Person - Phone - Work",
    "Person - Phone - Mobile",
    "Person - Phone - Home",
    "Tel",
    "Cell",
    "Cell Phone",
    // Russian Outlook: work, mobile (older versions: "переносной"), home, other.
    "Телефон",
    "Рабочий телефон",
    "Телефон раб. 2",
    "Мобильный телефон",
    "Телефон переносной",
    "Домашний телефон",
    "Телефон дом. 2",
    "Другой телефон",
    "Основной телефон",
    // Turkish Outlook and spreadsheets.
    "Telefon",
    "İş Telefonu",
    "Cep Telefonu",
    "Ev Telefonu",
    "Diğer Telefon",
    "تلفن",
    "تلفن همراه",
    "موبایل",
    "شماره تماس",
    "شماره تلفن",
    "โทรศัพท์มือถือ",
    "มือถือ",
    "เบอร์โทร",
    "เบอร์โทรศัพท์",
];
pub const COMPANY: &[&str] = &[
    "Company",
    "Company Name",
    "Organization",
    "Organization Name",
    "Organization 1 - Name",
    "Organization - Name",
    "Person - Organization",
    "Account Name",
    // Salesforce's lead report.
    "Company / Account",
    "Associated Company",
    "Firm",
    "Organisation",
    "Employer",
    "Организация",
    "Название организации",
    "Şirket Adı",
    "Firma",
    "نام شرکت",
    "سازمان",
    "ชื่อบริษัท",
    "องค์กร",
];
/// "Title" and "Unvan" are weakest: Outlook (English, Turkish) writes a salutation
/// under them beside "Job Title" or "İş Unvanı"; Zoho and Salesforce write the job
/// title under "Title", and "Unvan" is the app's own Turkish label for it.
pub const JOB_TITLE: &[&str] = &[
    "Job Title",
    "Organization Title",
    "Organization 1 - Title",
    "Person - Job title",
    "Position",
    "İş Unvanı",
    "عنوان شغلی",
    "ตำแหน่ง",
    "Title",
    "Unvan",
];
pub const NOTES: &[&str] = &[
    "Notes",
    "Note",
    "Description",
    "Person - Notes",
    "Remarks",
    "Comments",
    // A deal's, in HubSpot.
    "Deal Description",
    "Заметки",
    "Примечание",
    "Комментарий",
    "Notlar",
    "Not",
    "یادداشت",
    "یادداشت‌ها",
    "หมายเหตุ",
    "บันทึก",
];
pub const WEBSITE: &[&str] = &[
    "Website",
    "Web Site",
    "Website URL",
    "Web Page",
    "Website 1 - Value",
    "URL",
    "Homepage",
    "Organization - Website",
    // HubSpot's company domain ("acme.com"), where no website column is given.
    "Company Domain Name",
    "Веб-страница",
    "Веб-сайт",
    "Web Sayfası",
    "سایت",
];
pub const BIRTHDAY: &[&str] = &[
    "Birthday",
    "Date of Birth",
    "Birthdate",
    "Birth Date",
    "День рождения",
    "Doğum Tarihi",
    "روز تولد",
];
/// A business or mailing address before a home one: the first found is kept.
pub const STREET: &[&str] = &[
    "Business Street",
    "Mailing Street",
    "Address 1 - Street",
    "Street Address",
    "Organization - Address - Street/road name of Address",
    "Улица (раб. адрес)",
    "Home Street",
    "Улица (дом. адрес)",
    // A whole address, where the file has no street column.
    "Address",
    "Organization - Address",
    "آدرس",
    "نشانی",
    "ที่อยู่",
];
pub const CITY: &[&str] = &[
    "Business City",
    "Mailing City",
    "Address 1 - City",
    "City",
    "Organization - Address - City/town/village/locality of Address",
    "Город (раб. адрес)",
    "Home City",
    "Город (дом. адрес)",
];
pub const REGION: &[&str] = &[
    "Business State",
    "Mailing State",
    "Mailing State/Province",
    "Address 1 - Region",
    "State",
    "State/Region",
    "State/Province",
    "Province",
    "Organization - Address - State/county of Address",
    "Область (раб. адрес)",
    "Home State",
    "Область (дом. адрес)",
    "Область",
];
pub const POSTAL_CODE: &[&str] = &[
    "Business Postal Code",
    "Mailing Zip/Postal Code",
    "Mailing Postal Code",
    "Mailing Zip",
    "Address 1 - Postal Code",
    "Postal Code",
    "Zip/Postal Code",
    "ZIP",
    "Zip Code",
    "Postcode",
    "Organization - Address - ZIP/Postal code of Address",
    "Индекс (раб. адрес)",
    "Home Postal Code",
    "Почтовый код (дом.)",
    "Индекс",
];
pub const COUNTRY: &[&str] = &[
    "Business Country/Region",
    "Mailing Country",
    "Address 1 - Country",
    "Country",
    "Country/Region",
    "Organization - Address - Country of Address",
    "Страна или регион (раб. адрес)",
    "Home Country/Region",
    "Страна или регион (дом. адрес)",
    "Страна или регион",
];
/// A company's own name, in an export of organisations.
pub const COMPANY_NAME: &[&str] = &[
    "Company Name",
    "Organization - Name",
    "Organization Name",
    "Company",
    "Organization",
    "Account Name",
    "Организация",
    "Название организации",
    "Компания",
    "Şirket",
    "Şirket Adı",
    "Firma",
    "نام شرکت",
    "شرکت",
    "ชื่อบริษัท",
    "บริษัท",
];
pub const COMPANY_PHONE: &[&str] = &[
    "Phone",
    "Phone Number",
    "Main Phone",
    "Business Phone",
    "Company Phone",
    "Organization - Phone",
];
pub const COMPANY_EMAIL: &[&str] = &[
    "Email",
    "E-mail Address",
    "Email Address",
    "Organization - Email",
];
pub const EMPLOYEES: &[&str] = &[
    "Number of Employees",
    "No. of Employees",
    "Employees",
    "Employee Count",
    "Organization - Number of employees",
    "Количество сотрудников",
];
/// A record's tags, singular as Zoho writes it, and Outlook's categories (written
/// "A;B", read as a list).
pub const TAGS: &[&str] = &[
    "Tag",
    "Categories",
    "Категории",
    "Тег",
    "Etiket",
    "Kategoriler",
    "برچسب",
];
pub const ANNUAL_REVENUE: &[&str] = &["Annual Revenue", "Revenue"];
/// Where a person or deal came from (Zoho, Salesforce: "Lead Source").
pub const LEAD_SOURCE: &[&str] = &["Lead Source", "Source"];
pub const LEAD_STATUS: &[&str] = &["Lead Status", "Status"];
pub const DEAL_TITLE: &[&str] = &["Deal Name", "Deal - Title", "Opportunity Name"];
/// A deal's value; its currency may be a column of its own (see [`CURRENCY`]).
pub const DEAL_AMOUNT: &[&str] = &["Amount", "Deal - Value", "Deal Value", "Value"];
pub const DEAL_PIPELINE: &[&str] = &["Pipeline", "Deal - Pipeline"];
pub const DEAL_STAGE: &[&str] = &["Deal Stage", "Deal - Stage", "Stage", "Stage Name"];
pub const DEAL_CLOSE: &[&str] = &[
    "Close Date",
    "Deal - Expected close date",
    "Expected Close Date",
];
pub const DEAL_COMPANY: &[&str] = &[
    "Associated Company",
    "Deal - Organization",
    "Organization",
    "Account Name",
    "Company",
];
pub const DEAL_PROBABILITY: &[&str] = &["Deal probability", "Deal - Probability"];
pub const DEAL_LOSS_REASON: &[&str] = &["Closed Lost Reason", "Deal - Lost reason", "Lost Reason"];
/// The currency of a module's one money field, in a column beside it (HubSpot,
/// Pipedrive, Zoho, Salesforce's "CurrencyIsoCode").
pub const CURRENCY: &[&str] = &[
    "Currency",
    "Currency Code",
    "Currency ISO Code",
    "Deal - Currency",
    "Deal - Currency of value",
    "Валюта",
    "Para Birimi",
    "ارز",
    "สกุลเงิน",
];
