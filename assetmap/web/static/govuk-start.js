// GOV.UK Frontend's components (service navigation's menu on a phone, error summary focus,
// buttons that ignore a double click) start here: a module, so browsers too old for it get
// the plain pages, as the design system intends.
import { initAll } from './vendor/govuk-frontend/govuk-frontend.min.js'

initAll()
