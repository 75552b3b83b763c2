import { measureServerCosts } from './serverCosts'
console.log(measureServerCosts())
