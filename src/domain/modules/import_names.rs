//! The column headers other tools' exports use for the standard fields — Outlook,
//! Google Contacts, HubSpot, Pipedrive, and the headers people type in a spreadsheet
//! — so a file from them maps without the user choosing every column. The importer
//! compares headers folded, without spaces, punctuation or digits ("E-mail 2 Address"
//! is "emailaddress").

pub const FIRST_NAME: &[&str] = &[
    "First Name",
    "Given Name",
    "Person - First name",
    "Firstname",
];
pub const LAST_NAME: &[&str] = &[
    "Last Name",
    "Family Name",
    "Surname",
    "Person - Last name",
    "Lastname",
    // A spreadsheet with one name column: the whole name is kept (the title reads
    // right), and the user can still choose another field for it.
    "Full Name",
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
    "Person - Email",
    "Person - Email - Work",
    "Person - Email - Home",
    "Person - Email - Other",
    "Mail",
    "E-mails",
];
/// Several columns may fill the one field of a person's phones.
pub const PHONES: &[&str] = &[
    "Phone",
    "Phone Number",
    "Telephone",
    "Business Phone",
    "Mobile Phone",
    "Mobile",
    "Mobile Phone Number",
    "Home Phone",
    "Other Phone",
    "Phone 1 - Value",
    "Person - Phone",
    "Person - Phone - Work",
    "Person - Phone - Mobile",
    "Person - Phone - Home",
    "Tel",
    "Cell",
    "Cell Phone",
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
    "Associated Company",
    "Firm",
    "Organisation",
    "Employer",
];
pub const JOB_TITLE: &[&str] = &[
    "Job Title",
    "Organization Title",
    "Organization 1 - Title",
    "Person - Job title",
    "Position",
];
pub const NOTES: &[&str] = &[
    "Notes",
    "Note",
    "Description",
    "Person - Notes",
    "Remarks",
    "Comments",
];
pub const WEBSITE: &[&str] = &[
    "Web Page",
    "Website",
    "Web Site",
    "Website 1 - Value",
    "Website URL",
    "URL",
    "Homepage",
    "Organization - Website",
];
pub const BIRTHDAY: &[&str] = &["Birthday", "Date of Birth"];
pub const STREET: &[&str] = &[
    "Business Street",
    "Home Street",
    "Street Address",
    "Address 1 - Street",
    "Address",
];
pub const CITY: &[&str] = &["Business City", "Home City", "Address 1 - City", "City"];
pub const REGION: &[&str] = &[
    "Business State",
    "Home State",
    "Address 1 - Region",
    "State",
    "State/Region",
    "State/Province",
    "Province",
];
pub const POSTAL_CODE: &[&str] = &[
    "Business Postal Code",
    "Home Postal Code",
    "Address 1 - Postal Code",
    "Postal Code",
    "ZIP",
    "Zip Code",
    "Postcode",
];
pub const COUNTRY: &[&str] = &[
    "Business Country/Region",
    "Home Country/Region",
    "Address 1 - Country",
    "Country",
    "Country/Region",
];
/// A company's own name, in an export of organisations.
pub const COMPANY_NAME: &[&str] = &[
    "Organization - Name",
    "Organization Name",
    "Company Name",
    "Company",
    "Organization",
    "Account Name",
];
pub const COMPANY_PHONE: &[&str] = &[
    "Phone",
    "Phone Number",
    "Main Phone",
    "Business Phone",
    "Organization - Phone",
];
pub const COMPANY_EMAIL: &[&str] = &["Email", "E-mail Address", "Organization - Email"];
pub const EMPLOYEES: &[&str] = &[
    "Number of Employees",
    "Employees",
    "Organization - Number of employees",
];
pub const ANNUAL_REVENUE: &[&str] = &["Annual Revenue", "Revenue"];
