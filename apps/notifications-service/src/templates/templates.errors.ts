/** Error codes of the templates feature. */
export enum TemplateErrorCode {
  NotFound = 'template.not_found',
  NameTaken = 'template.name_taken',
  DoesNotCompile = 'template.does_not_compile',
  HtmlOnlyForEmail = 'template.html_only_for_email',
}
