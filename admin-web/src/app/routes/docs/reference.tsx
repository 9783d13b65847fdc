import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';
import document from '../../../../../docs/openapi.json';

// Swagger UI over the checked-in document. "Try it out" is off: the admin
// origin serves only the admin API, and service keys do not belong here.
export default function Reference() {
  return <SwaggerUI spec={document} supportedSubmitMethods={[]} docExpansion="list" defaultModelsExpandDepth={1} />;
}
